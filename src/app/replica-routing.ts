import type { KafkaBus } from '../core/bus/kafka.js';
import { DialwiseError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { FORWARDED_HEADER, type RelayedAnswer, type Replicas } from '../api/index.js';

/** How long a request waits for its customer's partition to have an owner that answers (a takeover). */
const TAKEOVER_WAIT_MS = 30_000;
/** Between two looks at the group while it has no owner for a partition. */
const LOOK_AGAIN_MS = 200;
const RELAY_TIMEOUT_MS = 10_000;
const KEPT_HEADERS = ['content-type', 'retry-after', 'server-timing', 'x-request-id'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Where each customer is decided among the `dialwise decide` replicas: the
 * member of the consumer group that owns the customer's partition, whose
 * address the group's own description carries (coPartitionAssigner's
 * `advertise`). No coordination of our own: Kafka's group protocol decides,
 * and a replica that is killed loses its partitions when its session times
 * out; requests for them wait here until their new owner has taken over.
 */
export class ReplicaRouting implements Replicas {
  self = '';
  private mine = new Set<number>();
  private ready: Promise<void> = Promise.resolve();
  private isReady = true;
  private settle = () => {};
  private owners: Map<number, string> | undefined;
  private looking: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      bus: KafkaBus;
      groupId: string;
      /** Resolves once a change of this replica's decisions is durable. */
      durable: () => Promise<void>;
      /** Resolves once this replica has read what the replicas share to its end now. */
      caughtUp: () => Promise<void>;
      /** The replicas' shared admin key: theirs to call each other with. */
      adminKey: string;
      logger: Logger;
    },
  ) {}

  /** A rebalance gave this replica `partitions`; `ready` resolves once it has taken them over. */
  assigned(partitions: number[], ready: Promise<void>): void {
    this.mine = new Set(partitions);
    this.waitFor(ready);
    // Requests that waited out the rebalance go on once this one is ready.
    this.settle();
    this.settle = () => {};
    void this.look();
  }

  /** A rebalance has begun: requests wait for its end rather than be decided by an owner on its way out. */
  rebalancing(): void {
    let settled = () => {};
    this.waitFor(new Promise<void>((r) => (settled = r)));
    this.settle = settled;
  }

  private waitFor(ready: Promise<void>): void {
    this.ready = ready;
    this.isReady = false;
    void ready.then(() => {
      if (this.ready === ready) this.isReady = true;
    });
  }

  /** Whether the replica became ready before `until`. */
  private async waitReady(until: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>(
      (r) => (timer = setTimeout(() => r(false), until - Date.now())),
    );
    const ready = this.ready.then(() => true as const);
    try {
      return await Promise.race([ready, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  partitionOf(customerId: string): number {
    return this.deps.bus.partitionOf(customerId);
  }

  owns(partition: number): boolean {
    return this.mine.has(partition);
  }

  async relay(
    customerId: string,
    request: Parameters<Replicas['relay']>[1],
  ): Promise<RelayedAnswer | undefined> {
    const partition = this.deps.bus.partitionOf(customerId);
    const until = Date.now() + TAKEOVER_WAIT_MS;
    for (;;) {
      if (this.mine.has(partition)) {
        if (this.isReady) return undefined;
        // Ready as of the assignment awaited, and still this replica's after it.
        if (!(await this.waitReady(until))) throw notHere(partition);
        continue;
      }
      // Relayed here by a replica whose view is behind: it looks again and tries once more.
      if (request.forwarded) throw notHere(partition);
      const owner = this.owners?.get(partition);
      if (owner && owner !== this.self) {
        const answer = await post(owner, request).catch(() => undefined);
        if (answer && answer.status !== 503) return answer;
      }
      if (Date.now() > until) throw notHere(partition);
      await sleep(LOOK_AGAIN_MS);
      await this.look();
    }
  }

  /** The other replicas of the group as last described. */
  private async others(): Promise<Set<string>> {
    await this.look();
    return new Set([...(this.owners?.values() ?? [])].filter((u) => u && u !== this.self));
  }

  async find(path: string, authorization: string | null): Promise<unknown> {
    for (const url of await this.others()) {
      const r = await fetch(url + path, {
        headers: { ...(authorization ? { authorization } : {}), [FORWARDED_HEADER]: '1' },
        signal: AbortSignal.timeout(RELAY_TIMEOUT_MS),
      }).catch(() => undefined);
      if (r?.ok) return r.json();
    }
    return null;
  }

  durable(): Promise<void> {
    return this.deps.durable();
  }

  async everywhere(request: {
    path: string;
    body: string;
    authorization: string | null;
  }): Promise<RelayedAnswer[]> {
    const answers = await Promise.all(
      [...(await this.others())].map((url) =>
        post(url, request).catch((err: unknown) => {
          this.deps.logger.log('warn', 'decision replicas: a replica did not answer', {
            url,
            path: request.path,
            err: String(err),
          });
          return undefined;
        }),
      ),
    );
    return answers.filter((a) => a !== undefined);
  }

  applyEverywhere(request: { path: string; body: string }): Promise<RelayedAnswer[]> {
    return this.everywhere({ ...request, authorization: `Bearer ${this.deps.adminKey}` });
  }

  caughtUp(): Promise<void> {
    return this.deps.caughtUp();
  }

  /**
   * Every other replica alive now has read what the replicas share to the
   * end it has now: a change made here binds their next decisions too.
   */
  async shared(): Promise<void> {
    const answers = await this.applyEverywhere({ path: '/replicas/sync', body: '{}' });
    const behind = answers.filter((a) => a.status !== 204);
    if (behind.length)
      throw new DialwiseError(
        'UNAVAILABLE',
        `${behind.length} decision replica(s) have not read the change yet (it is stored and shared); send again`,
        { retryAfterS: 1 },
      );
  }

  /** The group as Kafka describes it now (one look at a time). */
  private look(): Promise<void> {
    this.looking ??= this.deps.bus
      .owners(this.deps.groupId)
      .then((owners) => {
        if (owners) this.owners = owners;
      })
      .catch((err: unknown) =>
        this.deps.logger.log('warn', 'decision replicas: group not described', {
          err: String(err),
        }),
      )
      .finally(() => (this.looking = undefined));
    return this.looking;
  }
}

const notHere = (partition: number) =>
  new DialwiseError(
    'UNAVAILABLE',
    `no decision replica has taken over partition ${partition} yet; send again`,
    { retryAfterS: 1 },
  );

/** The request as the owner answers it. */
async function post(
  url: string,
  request: { path: string; body: string; authorization: string | null; requestId?: string },
): Promise<RelayedAnswer> {
  const r = await fetch(url + request.path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(request.authorization ? { authorization: request.authorization } : {}),
      ...(request.requestId ? { 'x-request-id': request.requestId } : {}),
      [FORWARDED_HEADER]: '1',
    },
    body: request.body,
    signal: AbortSignal.timeout(RELAY_TIMEOUT_MS),
  });
  const headers: Record<string, string> = {};
  for (const h of KEPT_HEADERS) {
    const v = r.headers.get(h);
    if (v !== null) headers[h] = v;
  }
  return { status: r.status, body: await r.text(), headers };
}
