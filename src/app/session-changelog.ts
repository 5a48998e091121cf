import { randomUUID } from 'node:crypto';
import type { Subscription } from '../core/bus/bus.js';
import type { KafkaBus } from '../core/bus/kafka.js';
import type { FieldCipher } from '../core/crypto.js';
import type { DialwiseEvent } from '../core/events/index.js';
import type { EngineRecord, Session } from '../decision/index.js';
import { derivedTopic, eventMessages } from '../pipelines/index.js';

/** A live call as the changelog holds it: its session, and the events its last change emitted. */
interface Entry {
  s: Session;
  events?: DialwiseEvent[];
}

/** How long a takeover waits for this replica's copy of the changelog to catch up. */
const CATCH_UP_MS = 30_000;

/**
 * The decision replicas' record of live calls (`<prefix>.decision.sessions`,
 * compacted, sealed): each change of a call's session, keyed by call, on the
 * partition of the call's customer, so that whichever replica owns that
 * partition next goes on where the call was. A change and the events it
 * emitted go to Kafka in one produce request before the decision is
 * answered (`durable`); an ended call leaves a tombstone. Every replica
 * follows the whole topic (Kafka Streams' standby replicas): a takeover
 * decodes what it already holds once it has caught up with the end.
 */
export class SessionChangelog {
  readonly topic: string;
  private queued = new Map<string, { value: string | null; partition: number }>();
  private events: DialwiseEvent[] = [];
  private sending: Promise<void> | undefined;
  private last: Promise<void> = Promise.resolve();
  /** The partition of each live call written here (for its tombstone). */
  private readonly partitionOf = new Map<string, number>();
  /** The latest sealed entry per call, by partition, as read back from the topic. */
  private readonly standby = new Map<number, Map<string, string>>();
  private readonly next = new Map<number, bigint>();
  private following: Subscription | undefined;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: KafkaBus,
    private readonly prefix: string,
    private readonly cipher: FieldCipher,
  ) {
    this.topic = derivedTopic(prefix, 'decision.sessions');
  }

  /** The engine's records of a call: its session now, or its end. Others are not the changelog's. */
  record(r: EngineRecord): void {
    if (r.k === 'session') {
      const partition = this.bus.partitionOf(r.s.customerId);
      this.partitionOf.set(r.s.callId, partition);
      const entry: Entry = r.events?.length ? { s: r.s, events: r.events } : { s: r.s };
      this.queued.set(r.s.callId, { value: this.cipher.encrypt(JSON.stringify(entry)), partition });
      this.schedule();
    } else if (r.k === 'end') {
      for (const id of r.callIds) {
        const partition = this.partitionOf.get(id);
        if (partition === undefined) continue;
        this.partitionOf.delete(id);
        this.queued.set(id, { value: null, partition });
      }
      this.schedule();
    }
  }

  /** Calls another replica records from here on (their partitions went to it). */
  release(callIds: readonly string[]): void {
    for (const id of callIds) this.partitionOf.delete(id);
  }

  /** The engine's events: published with the changes that emitted them. */
  emit(events: readonly DialwiseEvent[]): void {
    this.events.push(...events);
    this.schedule();
  }

  /** Resolves once every change recorded so far is in Kafka (a failed send is tried again here). */
  durable(): Promise<void> {
    if (this.queued.size || this.events.length) this.schedule();
    return this.sending ?? this.last;
  }

  /**
   * Everything recorded in one turn of the event loop goes out together,
   * one send at a time; one that fails is tried again a second later even
   * if nothing new comes (its changes wait in the queue, a newer change of a
   * call replacing its older one).
   */
  private schedule(): void {
    if (this.sending) return;
    const sending = this.last
      .catch(() => undefined)
      .then(() => new Promise(setImmediate))
      .then(() => this.send());
    this.sending = sending;
    this.last = sending;
    sending.catch(() => {
      this.retry ??= setTimeout(() => {
        this.retry = undefined;
        if (this.queued.size || this.events.length) this.schedule();
      }, 1_000);
    });
  }

  private async send(): Promise<void> {
    const queued = this.queued;
    const events = this.events;
    this.queued = new Map();
    this.events = [];
    this.sending = undefined;
    try {
      await this.bus.publishAll([
        { topic: this.topic, messages: [...queued].map(([key, q]) => ({ key, ...q })) },
        ...eventMessages(this.prefix, events),
      ]);
    } catch (err) {
      // Sent again with the next request (what did get through is set again, or dropped as a repeat).
      for (const [key, q] of queued) if (!this.queued.has(key)) this.queued.set(key, q);
      this.events.unshift(...events);
      throw err;
    }
  }

  /** Follows the whole topic from its start, keeping the latest entry of every call. */
  async follow(clientId: string): Promise<void> {
    await this.bus.ensureTopics([this.topic], { compact: true });
    this.following = await this.bus.subscribe({
      groupId: `${clientId}-sessions-${randomUUID()}`,
      topics: [this.topic],
      onBatch: async (records) => {
        for (const r of records) {
          let calls = this.standby.get(r.partition);
          if (!calls) this.standby.set(r.partition, (calls = new Map()));
          if (r.value) calls.set(r.key, r.value);
          else calls.delete(r.key);
          this.next.set(r.partition, BigInt(r.offset) + 1n);
        }
      },
    });
  }

  /**
   * The live calls of these partitions and the events their last changes
   * emitted, once this replica has read the topic up to the end it has now.
   */
  async takeOver(partitions: number[]): Promise<{ sessions: Session[]; events: DialwiseEvent[] }> {
    const ends = await this.bus.endOffsets(this.topic);
    const behind = () =>
      ends.some(
        (e) => partitions.includes(e.partition) && (this.next.get(e.partition) ?? 0n) < e.end,
      );
    const until = Date.now() + CATCH_UP_MS;
    while (behind()) {
      if (Date.now() > until)
        throw new Error(`${this.topic} not read to its end in ${CATCH_UP_MS} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const sessions: Session[] = [];
    const events: DialwiseEvent[] = [];
    for (const p of partitions)
      for (const sealed of this.standby.get(p)?.values() ?? []) {
        const entry = JSON.parse(this.cipher.decrypt(sealed)) as Entry;
        sessions.push(entry.s);
        events.push(...(entry.events ?? []));
        this.partitionOf.set(entry.s.callId, p);
      }
    return { sessions, events };
  }

  async stop(): Promise<void> {
    clearTimeout(this.retry);
    await this.following?.stop();
  }
}
