/**
 * What is wrong with this process right now, by component (store, Kafka
 * consumer, …). Parts that detect a problem report it here and clear it when
 * it is over; `/health`, the metrics and the operator's alert read it.
 */
import { z } from 'zod';

export const problem = z
  .object({
    component: z.string(),
    reason: z.string(),
    /** When the component first failed (ms). */
    since: z.number(),
  })
  .meta({ id: 'Problem', description: 'A component of this process that is failing now.' });
export type Problem = z.infer<typeof problem>;

export type HealthListener = (component: string, problem: Problem | undefined) => void;

export class Health {
  private readonly problems = new Map<string, Problem>();
  private readonly listeners: HealthListener[] = [];

  constructor(private readonly clock: () => number = Date.now) {}

  /** Marks a component failing; the first report's time is kept, the reason updated. */
  fail(component: string, reason: string): void {
    const prev = this.problems.get(component);
    const problem = { component, reason, since: prev?.since ?? this.clock() };
    this.problems.set(component, problem);
    if (!prev || prev.reason !== reason) this.listeners.forEach((l) => l(component, problem));
  }

  ok(component: string): void {
    if (!this.problems.delete(component)) return;
    this.listeners.forEach((l) => l(component, undefined));
  }

  failing(component: string): Problem | undefined {
    return this.problems.get(component);
  }

  get healthy(): boolean {
    return this.problems.size === 0;
  }

  list(): Problem[] {
    return [...this.problems.values()];
  }

  onChange(listener: HealthListener): void {
    this.listeners.push(listener);
  }
}
