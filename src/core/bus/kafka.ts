import {
  Kafka,
  Partitioners,
  type Admin,
  type Consumer,
  type ConsumerConfig,
  type PartitionMetadata,
  type Producer,
} from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../clock.js';
import { DialwiseError } from '../errors.js';
import type { Health } from '../health.js';
import type { Logger } from '../log.js';
import { kafkaLogging } from './kafka-log.js';
import { retry } from '../retry.js';
import { canProduce, compressionType, registerCodecs, type KafkaCodec } from './codecs.js';
import { coPartitionAssigner, ownersOf } from './co-partition-assigner.js';
import type { Bus, BusRecord, OutMessage, SubscribeOptions, Subscription } from './bus.js';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  partitions: number;
  /** What this process writes with (every codec is read). */
  compression?: KafkaCodec;
  /** Consumers report here while they are down (component `kafka-consumer`). */
  health?: Health;
  /** Times a crashed consumer's restarts; the system clock if absent. */
  clock?: Clock;
  /** Where kafkajs logs, as the platform's own JSON lines; kafkajs's own format if absent. */
  logger?: Logger;
}

/**
 * The most bytes of records one produce request carries: well under the
 * broker's largest record batch (message.max.bytes, 1 MiB by default), which
 * a commit of thousands of calls' facts would otherwise pass.
 */
const MAX_REQUEST_BYTES = 512 * 1024;

/** Topic messages cut into consecutive requests of at most `bytes` (a larger message goes alone). */
function requests(all: TopicMessages[], bytes: number): TopicMessages[][] {
  const out: TopicMessages[][] = [];
  let request: TopicMessages[] = [];
  let size = 0;
  for (const { topic, messages } of all)
    for (const m of messages) {
      const n = Buffer.byteLength(m.key) + (m.value === null ? 0 : Buffer.byteLength(m.value)) + 64;
      if (size > 0 && size + n > bytes) {
        out.push(request);
        request = [];
        size = 0;
      }
      const last = request.at(-1);
      if (last?.topic === topic) last.messages.push(m);
      else request.push({ topic, messages: [m] });
      size += n;
    }
  if (size > 0) out.push(request);
  return out;
}

/** One topic's part of a produce request; a null value is a tombstone. */
export interface TopicMessages {
  topic: string;
  messages: (OutMessage | { key: string; value: null; partition?: number })[];
}

/** The components under which a consumer that is down, or failing writes, show in /health. */
export const CONSUMER = 'kafka-consumer';
export const PRODUCER = 'kafka-producer';

/** No fetch for this long (three of kafkajs's 5 s fetch waits) means the consumer is cut off. */
const FETCH_SILENCE_MS = 15_000;

// A short session lets the group hand a crashed member's partitions on in
// seconds rather than the default 30.
const consumerConfig = (opts: SubscribeOptions): ConsumerConfig => ({
  groupId: opts.groupId,
  allowAutoTopicCreation: false,
  sessionTimeout: 10_000,
  heartbeatInterval: 1_000,
  ...(opts.coPartitioned ? { partitionAssigners: [coPartitionAssigner(opts.advertise)] } : {}),
});

/**
 * Kafka through kafkajs. Offsets are committed to Kafka only when the
 * consumer says its effects are durable (`Subscription.commit`).
 */
export class KafkaBus implements Bus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private readonly consumers = new Set<Consumer>();
  private readonly known = new Set<string>();
  private readonly partitioner = Partitioners.DefaultPartitioner();
  /** The partitions as the partitioner reads them (made once: `partitionOf` is asked at every turn). */
  private partitionMetadata: PartitionMetadata[] | undefined;

  constructor(private readonly opts: KafkaBusOptions) {
    registerCodecs();
    if (opts.compression && !canProduce(opts.compression))
      throw new DialwiseError(
        'CONFIG_INVALID',
        `DIALWISE_KAFKA_COMPRESSION=${opts.compression}: this Node.js cannot write it (zstd needs 22.15 or later); pick gzip, snappy or lz4`,
      );
    this.kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      ...kafkaLogging(opts.logger),
      retry: { retries: 8 },
    });
  }

  /** Creates the topics that do not exist yet, with the configured partition count. */
  async ensureTopics(topics: string[], opts: { compact?: boolean } = {}): Promise<void> {
    const missing = topics.filter((t) => !this.known.has(t));
    if (missing.length === 0) return;
    await this.withAdmin(async (admin) => {
      const existing = new Set(await admin.listTopics());
      const create = missing.filter((t) => !existing.has(t));
      if (create.length) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: create.map((topic) => ({
            topic,
            numPartitions: this.opts.partitions,
            // A compacted topic keeps the latest record per key: a changelog.
            ...(opts.compact
              ? { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }
              : {}),
          })),
        });
      }
    });
    missing.forEach((t) => this.known.add(t));
  }

  /** A null value is a tombstone: a compacted topic drops the key's earlier records. */
  async publish(topic: string, messages: TopicMessages['messages']): Promise<void> {
    await this.publishAll([{ topic, messages }]);
  }

  /**
   * Messages for several topics in one produce request (one round trip), or
   * in several in order when they are more than MAX_REQUEST_BYTES: a failure
   * may leave the first ones written (the caller sends all again; events
   * carry ids, changelogs set state).
   */
  async publishAll(batch: TopicMessages[]): Promise<void> {
    const topicMessages = batch.filter((b) => b.messages.length > 0);
    if (topicMessages.length === 0) return;
    const topics = topicMessages.map((b) => b.topic).join(', ');
    try {
      await this.ensureTopics(topicMessages.map((b) => b.topic));
      if (!this.producer) {
        this.producer = this.kafka.producer({
          allowAutoTopicCreation: false,
          createPartitioner: Partitioners.DefaultPartitioner,
        });
        await this.producer.connect();
      }
      for (const chunk of requests(topicMessages, MAX_REQUEST_BYTES))
        await this.producer.sendBatch({
          topicMessages: chunk,
          acks: -1,
          compression: compressionType(this.opts.compression ?? 'none'),
        });
      this.opts.health?.ok(PRODUCER);
    } catch (err) {
      if (err instanceof DialwiseError && err.code === 'CONFIG_INVALID') throw err;
      const reason = `cannot write to ${topics}: ${(err as Error).message}`;
      this.opts.health?.fail(PRODUCER, reason);
      // The caller may send again: events carry ids, and the pipeline drops repeats.
      throw new DialwiseError('UNAVAILABLE', `Kafka is unavailable (${reason})`, {
        retryAfterS: 1,
        cause: err,
      });
    }
  }

  async subscribe(opts: SubscribeOptions): Promise<Subscription> {
    await this.ensureTopics(opts.topics);
    const config = consumerConfig(opts);
    const health = this.opts.health;
    let consumer = await this.startConsumer(config, opts);
    const halt = new AbortController(); // stop(): no restarts after it
    const clock = this.opts.clock ?? systemClock;
    let restarts = 0;
    const backoff = () => Math.min(1_000 * 2 ** restarts++, 30_000);
    // A consumer fetches at least every maxWaitTime (5 s) even from a quiet
    // topic; none for FETCH_SILENCE_MS means it cannot reach the broker,
    // which kafkajs only reports after its retries (a minute or more).
    let lastFetch = Date.now();
    const watchdog = setInterval(() => {
      const silent = Date.now() - lastFetch;
      if (!halt.signal.aborted && silent > FETCH_SILENCE_MS)
        health?.fail(
          CONSUMER,
          `consumer of ${opts.groupId} has not fetched for ${Math.round(silent / 1000)} s`,
        );
    }, 1_000);
    watchdog.unref();
    // kafkajs restarts a consumer by itself after a retriable error; after
    // any other it stays down. Start a new one with back-off, and say so in
    // /health meanwhile: a stopped consumer must never look like a quiet topic.
    const watch = (c: Consumer) => {
      c.on(c.events.CRASH, (e) => {
        const reason = `consumer of ${opts.groupId} crashed: ${e.payload.error.message}`;
        health?.fail(CONSUMER, reason);
        if (e.payload.restart || halt.signal.aborted) return;
        clock.after(backoff(), () => void restart(c).catch(() => undefined));
      });
      c.on(c.events.FETCH, () => {
        restarts = 0;
        lastFetch = Date.now();
        health?.ok(CONSUMER);
      });
    };
    // A consumer must not stay down: whatever stops it from starting is
    // tried again (with back-off, /health saying why) until stop().
    const restart = async (old: Consumer): Promise<void> => {
      if (halt.signal.aborted) return;
      this.consumers.delete(old);
      await old.disconnect().catch(() => undefined);
      consumer = await retry(() => this.startConsumer(config, opts), {
        attempts: Infinity,
        baseMs: 1_000,
        maxMs: 30_000,
        clock,
        signal: halt.signal,
        isRetriable: () => true,
        onRetry: (err) =>
          health?.fail(
            CONSUMER,
            `consumer of ${opts.groupId} cannot start: ${(err as Error).message}`,
          ),
      });
      watch(consumer);
    };
    watch(consumer);
    return {
      // Called after the records' effects are durable; Kafka's committed offsets
      // then trail the store's, never lead them.
      commit: async (positions) => {
        await consumer.commitOffsets(
          positions.map((p) => ({
            topic: p.topic,
            partition: p.partition,
            offset: String(p.next),
          })),
        );
      },
      stop: async () => {
        halt.abort();
        clearInterval(watchdog);
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  private async startConsumer(config: ConsumerConfig, opts: SubscribeOptions): Promise<Consumer> {
    const consumer = this.kafka.consumer(config);
    const onAssigned = opts.onAssigned;
    if (onAssigned) {
      consumer.on(consumer.events.GROUP_JOIN, (e) => onAssigned(e.payload.memberAssignment));
    }
    const onRebalancing = opts.onRebalancing;
    if (onRebalancing) consumer.on(consumer.events.REBALANCING, () => onRebalancing());
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: opts.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: opts.partitionsAtOnce ?? 1,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const records: BusRecord[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key?.toString('utf8') ?? '',
          value: m.value?.toString('utf8') ?? '',
          timestamp: Number(m.timestamp),
        }));
        await opts.onBatch(records);
        resolveOffset(batch.lastOffset());
        await heartbeat();
      },
    });
    return consumer;
  }

  /**
   * Reads a (non-transactional) topic from its start to the end it had when
   * called, e.g. to restore state from a compacted changelog.
   */
  async readToEnd(
    topic: string,
    onRecord: (partition: number, key: string, value: string | null) => void,
  ): Promise<void> {
    await this.ensureTopics([topic]);
    const ends = new Map((await this.endOffsets(topic)).map((e) => [e.partition, e.end]));
    const pending = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p));
    if (pending.size === 0) return;
    const groupId = `${this.opts.clientId}-restore-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = ends.get(batch.partition) ?? 0n;
              for (const m of batch.messages) {
                if (BigInt(m.offset) >= end) break;
                onRecord(
                  batch.partition,
                  m.key?.toString('utf8') ?? '',
                  m.value?.toString('utf8') ?? null,
                );
              }
              if (BigInt(batch.lastOffset()) + 1n >= end) pending.delete(batch.partition);
              if (pending.size === 0) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      await this.withAdmin((admin) => admin.deleteGroups([groupId])).catch(() => undefined);
    }
  }

  /**
   * Which address owns which partition of a co-partitioned group (its
   * members' `advertise`); undefined while it rebalances or has no members.
   */
  async owners(groupId: string): Promise<Map<number, string> | undefined> {
    return this.withAdmin(async (admin) => {
      const { groups } = await admin.describeGroups([groupId]);
      return groups[0] && ownersOf(groups[0]);
    });
  }

  /** The partition a key goes to: kafkajs's default partitioner (Java's murmur2) over the topics' partition count. */
  partitionOf(key: string): number {
    this.partitionMetadata ??= Array.from({ length: this.opts.partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    }));
    const partitionMetadata = this.partitionMetadata;
    return this.partitioner({ topic: '', partitionMetadata, message: { key, value: null } });
  }

  /** A group's committed offsets (the next to read; -1: none) for a topic, by partition. */
  async committed(groupId: string, topic: string): Promise<Map<number, bigint>> {
    return this.withAdmin(async (admin) => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map((offsets?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    });
  }

  /** The next offset to be written, per partition (asked again: a topic just created lacks a leader a moment). */
  async endOffsets(topic: string): Promise<{ partition: number; end: bigint }[]> {
    const ask = () => this.withAdmin((admin) => admin.fetchTopicOffsets(topic));
    const offsets = await retry(ask, { attempts: 5, clock: this.opts.clock ?? systemClock });
    return offsets.map((o) => ({ partition: o.partition, end: BigInt(o.high) }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  private async withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      return await fn(admin);
    } catch (err) {
      throw new DialwiseError('UPSTREAM_FAILED', `Kafka admin failed: ${(err as Error).message}`, {
        retriable: true,
        cause: err,
      });
    } finally {
      await admin.disconnect();
    }
  }
}
