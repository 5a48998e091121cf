import {
  MAX_EVENTS_PER_REQUEST,
  type CustomerUpdateRequest,
  type CustomerUpdateResponse,
  type EventsResponse,
} from '../api/rest/schemas.js';
import type { DialwiseEvent } from '../core/events/index.js';
import { createTransport, type CallOptions, type ClientOptions, type Send } from './transport.js';

export interface EventClientOptions extends ClientOptions {
  /** Most events in one request (default and most: 10,000, the server's limit). */
  maxBatchEvents?: number;
  /** Largest request body in bytes (default 8 MiB, the server's default `/events` limit). */
  maxBatchBytes?: number;
}

/**
 * Event ingestion: POST /events in batches. Each batch answers once its
 * events are committed; invalid events are dead-lettered by the server and
 * come back in `rejected`, by their index in the list given to `send`.
 */
export class EventClient {
  private readonly send_: Send;
  private readonly maxEvents: number;
  private readonly maxBytes: number;

  constructor(options: EventClientOptions) {
    this.send_ = createTransport(options);
    this.maxEvents = Math.min(
      options.maxBatchEvents ?? MAX_EVENTS_PER_REQUEST,
      MAX_EVENTS_PER_REQUEST,
    );
    this.maxBytes = options.maxBatchBytes ?? 8 * 1024 * 1024;
  }

  /**
   * Sends the events in as many requests as the batch limits need, one after
   * another; a request that fails throws (the batches before it were taken in).
   */
  async send(events: readonly DialwiseEvent[], opts?: CallOptions): Promise<EventsResponse> {
    const total: EventsResponse = { accepted: 0, rejected: [] };
    for (const batch of batches(events, this.maxEvents, this.maxBytes)) {
      // A batch with no valid event is answered 400 with the same body: still a result.
      const r = (await this.send_('POST', '/events', `[${batch.json.join(',')}]`, {
        ...opts,
        raw: true,
        accept: (status, body) => status === 400 && isEventsResponse(body),
      })) as EventsResponse;
      total.accepted += r.accepted;
      for (const x of r.rejected) total.rejected.push({ ...x, index: x.index + batch.start });
    }
    return total;
  }

  /** POST /customer/update: CRM fields under their source names, mapped by the server. */
  async updateCustomer(
    req: CustomerUpdateRequest,
    opts?: CallOptions,
  ): Promise<CustomerUpdateResponse> {
    return (await this.send_('POST', '/customer/update', req, opts)) as CustomerUpdateResponse;
  }
}

const isEventsResponse = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && Array.isArray((body as EventsResponse).rejected);

/** Consecutive slices of the events, each within both limits (an event alone may pass the byte limit). */
function* batches(
  events: readonly DialwiseEvent[],
  maxEvents: number,
  maxBytes: number,
): Generator<{ start: number; json: string[] }> {
  let batch = { start: 0, json: [] as string[] };
  let bytes = 2;
  for (const [i, event] of events.entries()) {
    const json = JSON.stringify(event);
    const size = Buffer.byteLength(json) + 1;
    if (batch.json.length && (batch.json.length >= maxEvents || bytes + size > maxBytes)) {
      yield batch;
      batch = { start: i, json: [] };
      bytes = 2;
    }
    batch.json.push(json);
    bytes += size;
  }
  if (batch.json.length) yield batch;
}
