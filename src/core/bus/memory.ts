import type { Bus, BusRecord, OutMessage, SubscribeOptions, Subscription } from './bus.js';

interface Log {
  base: number; // absolute offset of items[0]
  items: (OutMessage & { timestamp: number })[];
}

interface Sub {
  opts: SubscribeOptions;
  cursor: Map<string, number>;
  running: boolean;
  stopped: boolean;
  retryMs: number;
}

const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 5_000;

/**
 * In-process bus for the embedded mode: one partition per topic, consumed
 * records are dropped once every subscription has passed them, and publishers
 * wait while the backlog is above `highWater` (back-pressure, bounded memory).
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private readonly logs = new Map<string, Log>();
  private readonly subs: Sub[] = [];
  private drainedWaiters: (() => void)[] = [];

  constructor(
    private readonly maxBatch = 2_000,
    private readonly highWater = 200_000,
  ) {}

  async publish(topic: string, messages: OutMessage[]): Promise<void> {
    while (this.backlog() > this.highWater) await this.drained();
    const log = this.log(topic);
    const timestamp = Date.now();
    for (const m of messages) log.items.push({ ...m, timestamp });
    for (const s of this.subs) if (s.opts.topics.includes(topic)) this.pump(s);
  }

  async subscribe(opts: SubscribeOptions): Promise<Subscription> {
    const sub: Sub = {
      opts,
      cursor: new Map(),
      running: false,
      stopped: false,
      retryMs: FIRST_RETRY_MS,
    };
    for (const t of opts.topics) sub.cursor.set(t, this.log(t).base);
    this.subs.push(sub);
    this.pump(sub);
    return {
      // Nothing to record: the memory bus does not outlive the process.
      commit: async () => undefined,
      stop: async () => {
        sub.stopped = true;
        this.subs.splice(this.subs.indexOf(sub), 1);
        while (sub.running) await this.drained();
      },
    };
  }

  /** Records published but not yet consumed by every subscription. */
  backlog(): number {
    let n = 0;
    for (const s of this.subs) {
      for (const [t, c] of s.cursor) {
        const log = this.log(t);
        n += log.base + log.items.length - c;
      }
    }
    return n;
  }

  /** Resolves when every subscription has consumed everything published. */
  async idle(): Promise<void> {
    while (this.backlog() > 0 || this.subs.some((s) => s.running)) await this.drained();
  }

  async close(): Promise<void> {
    for (const s of [...this.subs]) s.stopped = true;
    this.subs.length = 0;
    this.notify();
  }

  private log(topic: string): Log {
    let log = this.logs.get(topic);
    if (!log) this.logs.set(topic, (log = { base: 0, items: [] }));
    return log;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  private notify(): void {
    const waiters = this.drainedWaiters;
    this.drainedWaiters = [];
    for (const w of waiters) w();
  }

  private pump(sub: Sub): void {
    if (sub.running || sub.stopped) return;
    sub.running = true;
    void (async () => {
      try {
        for (;;) {
          const batch = this.take(sub);
          if (batch.length === 0 || sub.stopped) break;
          await sub.opts.onBatch(batch);
          for (const r of batch) sub.cursor.set(r.topic, Number(r.offset) + 1);
          sub.retryMs = FIRST_RETRY_MS;
          this.trim();
          this.notify();
        }
      } catch (err) {
        // The batch stays where it is and is retried, with back-off, from the same cursor.
        process.emitWarning(
          `memory bus consumer ${sub.opts.groupId}: ${(err as Error).message}; retrying`,
        );
        setTimeout(() => this.pump(sub), sub.retryMs).unref();
        sub.retryMs = Math.min(sub.retryMs * 2, MAX_RETRY_MS);
      } finally {
        sub.running = false;
        this.notify();
      }
    })();
  }

  private take(sub: Sub): BusRecord[] {
    const out: BusRecord[] = [];
    for (const topic of sub.opts.topics) {
      const log = this.log(topic);
      const from = (sub.cursor.get(topic) ?? log.base) - log.base;
      const items = log.items.slice(from, from + this.maxBatch - out.length);
      items.forEach((m, i) =>
        out.push({
          topic,
          partition: 0,
          offset: String(log.base + from + i),
          key: m.key,
          value: m.value,
          timestamp: m.timestamp,
        }),
      );
      if (out.length >= this.maxBatch) break;
    }
    return out;
  }

  private trim(): void {
    for (const [topic, log] of this.logs) {
      const cursors = this.subs.filter((s) => s.cursor.has(topic)).map((s) => s.cursor.get(topic)!);
      if (cursors.length === 0) continue;
      const drop = Math.min(...cursors) - log.base;
      if (drop > 0) {
        log.items.splice(0, drop);
        log.base += drop;
      }
    }
  }
}
