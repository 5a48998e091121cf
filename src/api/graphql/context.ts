import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
// Yoga's own error factory: a GraphQLError from another copy of graphql (ESM vs CJS)
// would fail its instanceof check and be masked.
import { createGraphQLError, type PubSub } from 'graphql-yoga';
import type { AlertRunner } from '../../analytics/alerts/index.js';
import { audit } from '../../analytics/records/index.js';
import type { CallCosts } from '../../analytics/kpis/index.js';
import type { Recordings } from '../../analytics/recordings/index.js';
import type { Clock } from '../../core/clock.js';
import { DialwiseError, httpStatusOf } from '../../core/errors.js';
import type { DialwiseEvent } from '../../core/events/index.js';
import type { Store } from '../../core/store/store.js';
import type { DecisionEngine } from '../../decision/index.js';
import type { SayInstead } from '../../models/compliance/index.js';
import type { ModelName, ModelRegistry } from '../../models/registry.js';
import type { ComplianceHit, TurnModels } from '../../models/types.js';
import type { Profile } from '../../pipelines/index.js';
import { requireRole, type Principal, type Role } from '../auth.js';
import type { ApiLimits } from '../limits.js';
import type { Replicas } from '../replicas.js';

export interface GqlContext {
  principal: Principal;
  /** The HTTP request (yoga puts it in every context). */
  request?: Request;
}

/** Tells subscribers that new data was committed. */
export type Commits = PubSub<{ committed: [] }>;

/** What the GraphQL API reads and writes through. */
export interface GraphqlDeps {
  store: Store;
  profile(customerId: string): Profile | undefined | Promise<Profile | undefined>;
  alerts: AlertRunner;
  commits: Commits;
  /** Per-minute costs of bots and agents, for cost per conversion (defaults otherwise). */
  costs?: CallCosts | undefined;
  /** The zone of days and hours of day in KPIs (IANA; default UTC). */
  reportingTimeZone?: string | undefined;
  /** The live decision layer (absent where no pipeline state is at hand, e.g. the loader). */
  decisions?: DecisionEngine | undefined;
  /** Decision replicas: where each customer is decided (absent: here, one process). */
  replicas?: Replicas;
  /** The compliance guard for a line the bot is about to say: promises and absolute wording. */
  checkBotLine(text: string): ComplianceHit[];
  /** A rule's compliant wording (config `say_instead`), shown beside a refused script line. */
  sayInstead?(rule: string): SayInstead | undefined;
  /**
   * Brings a customer's state into memory before the decision layer reads
   * it (undefined: it is there already, nothing to wait for).
   */
  readyFor?(customerId: string): Promise<void> | undefined;
  /**
   * The model registry and which version of each model this process serves;
   * `turn`: the turn models served now (absent where none are, the loader).
   */
  models: {
    registry: ModelRegistry;
    served(): Partial<Record<ModelName, string>>;
    turn?(): TurnModels;
  };
  /** The keyed hash the pipeline stores for a phone number (look-ups never store the number). */
  phoneHash(phone: string): string;
  /** Opens a sealed value (a dead letter's original payload, a consent change's evidence). */
  unseal(sealed: string): string;
  /** Takes validated events; resolves once durable. */
  submit(valid: DialwiseEvent[], invalid: string[]): Promise<void>;
  limits: ApiLimits;
  /** Call recordings where this process keeps them (the timeline's audio). */
  recordings?: Recordings | undefined;
  /** Where "now" comes from (contact counts, event times, key expiry); the system clock if absent. */
  clock?: Clock;
}

/** The deps as resolvers use them: the clock settled. */
export type ResolverDeps = GraphqlDeps & { clock: Clock };

/** What a denied call is audited as (reads of transcripts and personal data). */
interface Audited<A> {
  action: string;
  target: (args: A) => string;
}

/**
 * Checks the role, then maps our typed errors to GraphQL errors with a code
 * and an HTTP status. An argument given as null is passed as absent.
 */
export function guarded<A, R>(
  roles: readonly Role[],
  fn: (args: A, ctx: GqlContext, info: GraphQLResolveInfo) => Promise<R>,
  denied?: Audited<A> & { store: Store },
) {
  return async (_: unknown, args: A, ctx: GqlContext, info: GraphQLResolveInfo): Promise<R> => {
    try {
      if (denied && !roles.includes(ctx.principal.role))
        await audit(denied.store, ctx.principal, `${denied.action}.denied`, denied.target(args));
      requireRole(ctx.principal, roles);
      const given = Object.entries(args as object).filter(([, v]) => v !== null);
      return await fn(Object.fromEntries(given) as A, ctx, info);
    } catch (err) {
      if (!(err instanceof DialwiseError)) throw err;
      throw createGraphQLError(err.message, {
        extensions: { code: err.code, http: { status: httpStatusOf(err.code) } },
      });
    }
  };
}

/** The fields a query selects under this one (through fragments too), by name. */
export function fieldsAsked(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): void => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) names.add(s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else walk(info.fragments[s.name.value]?.selectionSet);
    }
  };
  for (const n of info.fieldNodes) walk(n.selectionSet);
  return names;
}

/** The live decision layer, or a 404 where this process does not run one. */
export function engineOf(deps: GraphqlDeps): DecisionEngine {
  if (!deps.decisions)
    throw new DialwiseError('NOT_FOUND', 'the decision layer does not run in this process');
  return deps.decisions;
}

/** A lookup's answer, or null where the thing asked for does not exist (the schema's nullable result). */
export async function orNull<R>(answer: Promise<R>): Promise<R | null> {
  try {
    return await answer;
  } catch (err) {
    if (err instanceof DialwiseError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}
