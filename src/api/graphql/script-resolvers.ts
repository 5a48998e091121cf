import { DialwiseError } from '../../core/errors.js';
import type { DraftStatus, ScriptDraft } from '../../decision/index.js';
import { ANALYSTS, COMPLIANCE, SCRIPT_AUTHORS } from '../auth.js';
import { requireUnscoped } from '../scope.js';
import { scriptAuthoring } from '../script-authoring.js';
import { engineOf, guarded, orNull, type GqlContext, type ResolverDeps } from './context.js';

/** The library text a client sent, parsed (a 400 says why it is not JSON). */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DialwiseError('BAD_REQUEST', `library is not JSON: ${(err as Error).message}`);
  }
}

/**
 * Script authoring: versions and drafts for analysts, compliance and admin;
 * drafts proposed by analysts (or admin), reviewed and rolled back by
 * compliance (or admin). The library spans every campaign: campaign-scoped
 * keys may not author it.
 */
export function scriptResolvers(deps: ResolverDeps) {
  const scripts = scriptAuthoring(deps);
  /** May change the library; a process without a decision layer says so rather than answer null. */
  const author = (who: GqlContext['principal']) => {
    requireUnscoped(who, 'the script library');
    engineOf(deps);
  };
  const draftView = (d: ScriptDraft) => ({
    ...d,
    library: JSON.stringify(d.library),
    changes: scripts.changes(d),
  });
  return {
    Query: {
      scriptVersions: guarded(ANALYSTS, async () =>
        scripts
          .versions()
          .reverse()
          .map((v) => ({
            version: v.library.version,
            current: v.current,
            library: JSON.stringify(v.library),
          })),
      ),
      scriptDrafts: guarded(ANALYSTS, async (a: { status?: DraftStatus }) =>
        (await scripts.drafts(a.status)).map(draftView),
      ),
      scriptDiff: guarded(ANALYSTS, async (a: { from: string; to: string }) => {
        engineOf(deps);
        return orNull(Promise.resolve().then(() => scripts.diff(a.from, a.to)));
      }),
      scriptLineCheck: guarded(ANALYSTS, async (a: { text: string }) =>
        scripts
          .checkLine(a.text)
          .map(({ say_instead, ...hit }) => ({ ...hit, sayInstead: say_instead })),
      ),
    },
    Mutation: {
      proposeScripts: guarded(SCRIPT_AUTHORS, async (a: { library: string }, ctx) => {
        author(ctx.principal);
        return draftView(await scripts.propose(ctx.principal, parsed(a.library)));
      }),
      approveScripts: guarded(COMPLIANCE, async (a: { id: string }, ctx) => {
        author(ctx.principal);
        return orNull(scripts.approve(ctx.principal, a.id).then(draftView));
      }),
      rejectScripts: guarded(COMPLIANCE, async (a: { id: string; reason: string }, ctx) => {
        author(ctx.principal);
        return orNull(scripts.reject(ctx.principal, a.id, a.reason).then(draftView));
      }),
      rollBackScripts: guarded(COMPLIANCE, async (a: { version: string }, ctx) => {
        author(ctx.principal);
        return orNull(scripts.rollBack(ctx.principal, a.version));
      }),
    },
  };
}
