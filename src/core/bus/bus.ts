/** A record as a consumer sees it. `key` is the customer_id (the partition key). */
export interface BusRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: string;
}

export interface OutMessage {
  key: string;
  value: string;
}

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  /** Called with batches in order per partition; the batch counts as consumed once it resolves. */
  onBatch(records: BusRecord[]): Promise<void>;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface Bus {
  readonly kind: 'memory' | 'kafka';
  publish(topic: string, messages: OutMessage[]): Promise<void>;
  subscribe(opts: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}
