/**
 * Script authoring as the API offers it (GraphQL for the dashboard, REST for
 * a rollback relayed between replicas): drafts proposed by a business user
 * and reviewed by someone else, every line checked by the compliance rules,
 * an approved draft rolled out as POST /admin/scripts does, versions
 * compared and rolled back. Each step is audited.
 */
import { audit } from '../analytics/records/index.js';
import type { Clock } from '../core/clock.js';
import { DialwiseError } from '../core/errors.js';
import type { Store } from '../core/store/store.js';
import {
  checkReviewer,
  diffScripts,
  draftLibrary,
  libraryToRollOut,
  ScriptDrafts,
  type DecisionEngine,
  type DraftStatus,
  type ScriptDraft,
  type ScriptLibrary,
} from '../decision/index.js';
import { withSayInstead, type SayInstead } from '../models/compliance/index.js';
import type { ComplianceHit } from '../models/types.js';
import type { Principal } from './auth.js';
import { appliedEverywhere, type Replicas } from './replicas.js';

export interface ScriptAuthoringDeps {
  store: Store;
  decisions?: DecisionEngine | undefined;
  replicas?: Replicas | undefined;
  checkBotLine(text: string): ComplianceHit[];
  sayInstead?(rule: string): SayInstead | undefined;
  clock: Clock;
}

/** Where each replica takes a change the others made: the admin routes of decision-routes.ts. */
export const ROLL_OUT_PATH = '/admin/scripts';
export const ROLL_BACK_PATH = '/admin/scripts/current';

export function scriptAuthoring(deps: ScriptAuthoringDeps) {
  const { store, clock, checkBotLine } = deps;
  const drafts = new ScriptDrafts(store);
  const engine = (): DecisionEngine => {
    if (!deps.decisions)
      throw new DialwiseError('NOT_FOUND', 'the decision layer does not run in this process');
    return deps.decisions;
  };
  /** Loaded versions, the current one last. */
  const loaded = () => engine().scriptVersions();
  const current = () => loaded().at(-1)!;
  const version = (name: string): ScriptLibrary => {
    const found = loaded().find((l) => l.version === name);
    if (!found) throw new DialwiseError('NOT_FOUND', `no scripts version ${name} is loaded`);
    return found;
  };
  const relay = (path: string, body: unknown) => everyReplica(deps.replicas, path, body);
  const reviewer = (who: Principal, id: string, step: 'approve' | 'reject') =>
    reviewable(drafts, store, who, id, step);
  return {
    versions: () => loaded().map((l) => ({ library: l, current: l === current() })),
    drafts: (status?: DraftStatus) => drafts.list(status),
    /** One line through the guard the bot uses, each hit with a compliant wording. */
    checkLine: (text: string) => withSayInstead(checkBotLine(text), deps.sayInstead ?? noWording),
    diff: (from: string, to: string) => diffScripts(version(from), version(to)),
    /** What a draft changes: from the version it was edited from (the current one if that is gone). */
    changes: (d: ScriptDraft) =>
      diffScripts(loaded().find((l) => l.version === d.baseVersion) ?? current(), d.library),

    async propose(who: Principal, json: unknown): Promise<ScriptDraft> {
      const pending = await drafts.pendingVersions();
      const names = new Set(loaded().map((l) => l.version));
      const library = draftLibrary(json, checkBotLine, (v) => pending.has(v) || names.has(v));
      const draft = await drafts.add(library, {
        name: who.name,
        baseVersion: current().version,
        atMs: clock.now(),
      });
      await audit(store, who, 'scripts.propose', `${draft.id} ${draft.version}`);
      return draft;
    },

    async approve(who: Principal, id: string): Promise<ScriptDraft> {
      const draft = await reviewer(who, id, 'approve');
      // Checked again as it goes live: the rules may have changed since it was proposed.
      const library = libraryToRollOut(draft.library, checkBotLine);
      rollOut(engine(), library);
      const done = await drafts.review(id, { status: 'approved', by: who.name, atMs: clock.now() });
      await audit(store, who, 'scripts.approve', `${id} ${library.version}`);
      await relay(ROLL_OUT_PATH, library);
      return done;
    },

    async reject(who: Principal, id: string, reason: string): Promise<ScriptDraft> {
      await reviewer(who, id, 'reject');
      const done = await drafts.review(id, {
        status: 'rejected',
        by: who.name,
        atMs: clock.now(),
        reason,
      });
      await audit(store, who, 'scripts.reject', id);
      return done;
    },

    /** Makes a loaded version current again; `relayed`: another replica asked, do not pass it on. */
    async rollBack(who: Principal, name: string, relayed = false): Promise<string> {
      engine().rollBackScripts(name);
      await audit(store, who, 'scripts.rollback', name);
      if (!relayed) await relay(ROLL_BACK_PATH, { version: name });
      return name;
    },
  };
}

const noWording = (): undefined => undefined;

/** The other replicas take it too, under their own key (this one checked who asked). */
async function everyReplica(replicas: Replicas | undefined, path: string, body: unknown) {
  if (replicas)
    appliedEverywhere(await replicas.applyEverywhere({ path, body: JSON.stringify(body) }));
}

/** The draft, if `who` may review it now; a refusal is audited. */
async function reviewable(
  drafts: ScriptDrafts,
  store: Store,
  who: Principal,
  id: string,
  step: 'approve' | 'reject',
): Promise<ScriptDraft> {
  const draft = await drafts.get(id);
  try {
    checkReviewer(draft, who.name);
  } catch (err) {
    await audit(store, who, `scripts.${step}.refused`, id);
    throw err;
  }
  return draft;
}

/** A version used already is the caller's conflict, not the server's config. */
function rollOut(engine: DecisionEngine, library: ScriptLibrary): void {
  try {
    engine.rollOutScripts(library);
  } catch (err) {
    if (err instanceof DialwiseError && err.code === 'CONFIG_INVALID')
      throw new DialwiseError('CONFLICT', err.message);
    throw err;
  }
}
