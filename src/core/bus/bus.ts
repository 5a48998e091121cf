/** A record as a consumer sees it. `key` is the customer_id (the partition key). */
export interface BusRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: string;
  /** Producer time (ms) where the bus keeps it. */
  timestamp?: number;
}

export interface OutMessage {
  key: string;
  value: string;
  /** Kafka: this partition rather than the key's (a record kept beside its customer's). */
  partition?: number;
}

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  /** Called with batches in order per partition; resolving it lets the next batch come. */
  onBatch(records: BusRecord[]): Promise<void>;
  /** Kafka: partition p of every topic goes to one member (state keyed across topics). */
  coPartitioned?: boolean;
  /** Kafka, co-partitioned: the address this member serves at, for `KafkaBus.owners`. */
  advertise?: string;
  /** Kafka: after each rebalance, with this member's partitions per topic. */
  onAssigned?(assignment: Record<string, number[]>): void;
  /** Kafka: a rebalance has begun; what this member owned may be another's once it ends. */
  onRebalancing?(): void;
  /**
   * Kafka: how many partitions' batches may be in onBatch at once (each
   * partition's still in order); the consumer fetches the next while one is
   * applied. Default 1.
   */
  partitionsAtOnce?: number;
}

export interface Subscription {
  /** Records the consumer's progress with the bus (for lag and for restarts). */
  commit(positions: { topic: string; partition: number; next: bigint }[]): Promise<void>;
  stop(): Promise<void>;
}

export interface Bus {
  readonly kind: 'memory' | 'kafka';
  publish(topic: string, messages: OutMessage[]): Promise<void>;
  subscribe(opts: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}
