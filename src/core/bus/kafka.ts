import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DialwiseError } from '../errors.js';
import { CoPartitionAssigner } from './co-partition-assigner.js';
import type { Bus, BusRecord, OutMessage, SubscribeOptions, Subscription } from './bus.js';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  partitions: number;
}

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

  constructor(private readonly opts: KafkaBusOptions) {
    this.kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      logLevel: logLevel.WARN,
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

  async publish(topic: string, messages: OutMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.ensureTopics([topic]);
    if (!this.producer) {
      this.producer = this.kafka.producer({
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await this.producer.connect();
    }
    await this.producer.send({ topic, messages, acks: -1 });
  }

  async subscribe(opts: SubscribeOptions): Promise<Subscription> {
    await this.ensureTopics(opts.topics);
    // A short session lets the group hand a crashed member's partitions on in
    // seconds rather than the default 30.
    const consumer = this.kafka.consumer({
      groupId: opts.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      ...(opts.coPartitioned ? { partitionAssigners: [CoPartitionAssigner] } : {}),
    });
    const onAssigned = opts.onAssigned;
    if (onAssigned) {
      consumer.on(consumer.events.GROUP_JOIN, (e) => onAssigned(e.payload.memberAssignment));
    }
    await consumer.connect();
    await consumer.subscribe({ topics: opts.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
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
    this.consumers.add(consumer);
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
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
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

  /** The next offset to be written, per partition (for consumer lag). */
  async endOffsets(topic: string): Promise<{ partition: number; end: bigint }[]> {
    return this.withAdmin(async (admin) =>
      (await admin.fetchTopicOffsets(topic)).map((o) => ({
        partition: o.partition,
        end: BigInt(o.high),
      })),
    );
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
