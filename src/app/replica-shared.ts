import { randomUUID } from 'node:crypto';
import type { DncRegister, DncRow } from '../analytics/records/index.js';
import { onApiKeyChange, putApiKeyRow, type ApiKeyRow } from '../api/index.js';
import type { Subscription } from '../core/bus/bus.js';
import type { KafkaBus } from '../core/bus/kafka.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import { derivedTopic } from '../pipelines/index.js';

/** How long a replica waits to read the shared topics to their end. */
const CATCH_UP_MS = 30_000;

/** A shared record as it travels: which process made it, and the row. */
interface Shared<R> {
  by: string;
  row: R;
}

/**
 * What the decision replicas share besides their customers: the national
 * do-not-call register and the API keys, each a compacted topic (keyed by
 * phone hash, by key name) that every replica reads whole into its own
 * DuckDB file. A change made on one replica is in Kafka before it is taken
 * there, and is answered only once every other live replica has read it
 * (`shared`, through POST /replicas/sync), so it binds their next decision.
 * A replica that was down reads it before it serves.
 */
export class ReplicaShared {
  /** This process, so that it skips what it shared itself (taken here already). */
  private readonly self = randomUUID();
  private readonly next = new Map<string, bigint>();
  private following: Subscription | undefined;
  private readonly topics: { dnc: string; keys: string };

  constructor(
    private readonly deps: {
      bus: KafkaBus;
      prefix: string;
      store: Store;
      dnc: DncRegister;
      /** Every other live replica has read the shared topics to their end now. */
      shared: () => Promise<void>;
      logger: Logger;
    },
  ) {
    this.topics = {
      dnc: derivedTopic(deps.prefix, 'dnc.register'),
      keys: derivedTopic(deps.prefix, 'api.keys'),
    };
  }

  /** Reads both topics to their end, then shares what changes here. */
  async start(clientId: string): Promise<void> {
    const { bus, dnc, store } = this.deps;
    const { topics } = this;
    await bus.ensureTopics([topics.dnc, topics.keys], { compact: true });
    this.following = await bus.subscribe({
      groupId: `${clientId}-shared-${this.self}`,
      topics: [topics.dnc, topics.keys],
      onBatch: async (records) => {
        const listings: DncRow[] = [];
        for (const r of records) {
          const shared = JSON.parse(r.value) as Shared<DncRow | ApiKeyRow>;
          if (shared.by === this.self) continue;
          if (r.topic === topics.dnc) listings.push(shared.row as DncRow);
          else await putApiKeyRow(store, shared.row as ApiKeyRow);
        }
        await dnc.apply(listings);
        const last = records.at(-1)!;
        this.next.set(`${last.topic}#${last.partition}`, BigInt(last.offset) + 1n);
      },
    });
    await this.caughtUp();
    dnc.share = (rows) => this.share(topics.dnc, rows, (r) => r.phone_hash);
    onApiKeyChange(store, (row) => this.share(topics.keys, [row], (r) => r.name));
  }

  private async share<R>(topic: string, rows: readonly R[], keyOf: (r: R) => string) {
    await this.deps.bus.publish(
      topic,
      rows.map((row) => ({ key: keyOf(row), value: JSON.stringify({ by: this.self, row }) })),
    );
    await this.deps.shared();
  }

  /** Resolves once both topics are read to the end they have now. */
  async caughtUp(): Promise<void> {
    const ends = (
      await Promise.all(
        [this.topics.dnc, this.topics.keys].map(async (topic) =>
          (await this.deps.bus.endOffsets(topic)).map((e) => ({ ...e, topic })),
        ),
      )
    ).flat();
    const until = Date.now() + CATCH_UP_MS;
    while (ends.some((e) => (this.next.get(`${e.topic}#${e.partition}`) ?? 0n) < e.end)) {
      if (Date.now() > until)
        throw new Error(`the replicas' shared topics not read to their end in ${CATCH_UP_MS} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    await this.following?.stop();
  }
}
