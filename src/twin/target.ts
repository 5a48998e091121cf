import type { DecisionClient, EventClient } from '../client/index.js';

/**
 * The platform the twin drives, over its real API: the decision routes, the
 * event intake, and its clock. On a virtual clock `advance` moves the
 * platform's time (in process, or `POST /admin/clock`); on the wall clock it
 * waits for real time instead.
 */
export interface TwinTarget {
  decisions: DecisionClient;
  events: EventClient;
  /** Moves the platform's clock to `ms`; a clock already past it stays. */
  advance(ms: number): Promise<void>;
  /** True when time is virtual (the twin sets the pace); false on the wall clock. */
  virtual: boolean;
  /** The campaign the dialer asks for. */
  campaignId: string;
}
