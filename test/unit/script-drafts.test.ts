// Script drafts under review: every line through the compliance rules, no
// self-approval, an approved draft live for new calls, a rollback, each
// step audited, drafts kept across a restart (real DuckDB, real engine).
import { join } from 'node:path';
import { buildSchema, type GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { typeDefs } from '../../src/api/graphql/index.js';
import { scriptAuthoring } from '../../src/api/script-authoring.js';
import type { Principal } from '../../src/api/auth.js';
import { migrate, Store } from '../../src/core/store/store.js';
import {
  CHANGE_KINDS,
  checkReviewer,
  DRAFT_STATUSES,
  draftLibrary,
  LINE_FIELDS,
  libraryToRollOut,
  ScriptDrafts,
  type ScriptDraft,
} from '../../src/decision/scripts/index.js';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
} from '../../src/models/compliance/index.js';
import { check, engine, json, turn } from '../helpers/decision-engine.js';
import { tmpDir } from '../helpers/tmp.js';

const guard = createComplianceGuard(DEFAULT_COMPLIANCE_CONFIG);
const ana: Principal = { name: 'ana', role: 'analyst' };
const comp: Principal = { name: 'comp', role: 'compliance' };
const admin: Principal = { name: 'root', role: 'admin' };

/** The shipped library under a new version name, `edit` applied. */
const library = (version: string, edit: (l: any) => void = () => {}) => {
  const raw = structuredClone(json('scripts.json'));
  raw.version = version;
  edit(raw);
  return raw;
};
const promising = (l: any) =>
  (l.nodes.product_pitch.variants[0].concise = '这款产品保本，收益稳定，您放心。');

const open = async (path: string) => {
  const store = await Store.open(path);
  await migrate(store);
  return store;
};

const draft = (over: Partial<ScriptDraft> = {}): ScriptDraft => ({
  id: 'd-1',
  version: 'v2',
  baseVersion: 'v1',
  library: libraryToRollOut(library('v2'), check),
  proposedBy: 'ana',
  proposedAt: new Date(0).toISOString(),
  status: 'pending',
  reviewedBy: null,
  reviewedAt: null,
  reason: null,
  ...over,
});

describe('script draft rules', () => {
  it('refuse a draft with any non-compliant line, naming where it is', () => {
    const never = () => false;
    expect(() => draftLibrary(library('v2', promising), check, never)).toThrow(
      /nodes\.product_pitch\.\w+\.concise: not compliant \("保本", principal_guarantee\)/,
    );
    // A variant line, not only the safe lines loading checks.
    const refused = () => draftLibrary(library('v2', promising), check, never);
    expect(refused).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(draftLibrary(library('v2'), check, never).version).toBe('v2');
  });

  it('refuse a version loaded or proposed already', () => {
    expect(() => draftLibrary(library('v2'), check, (v) => v === 'v2')).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
  });

  it.each([
    ['its author', draft(), 'ana', 'FORBIDDEN'],
    ['anyone, once reviewed', draft({ status: 'approved' }), 'comp', 'CONFLICT'],
    ['anyone, once rejected', draft({ status: 'rejected' }), 'comp', 'CONFLICT'],
  ])('refuse a review by %s', (_, d, who, code) => {
    expect(() => checkReviewer(d, who)).toThrow(expect.objectContaining({ code }));
  });

  it('let someone else review a pending draft', () => {
    expect(() => checkReviewer(draft(), 'comp')).not.toThrow();
  });

  it('are the values the GraphQL schema admits', () => {
    const schema = buildSchema(typeDefs);
    const values = (name: string) =>
      (schema.getType(name) as GraphQLEnumType).getValues().map((v) => v.name);
    expect(values('ScriptDraftStatus')).toEqual([...DRAFT_STATUSES]);
    expect(values('ScriptField')).toEqual([...LINE_FIELDS, 'segment']);
    expect(values('ScriptChangeKind')).toEqual([...CHANGE_KINDS]);
  });
});

describe('script authoring over DuckDB and the engine', () => {
  const audited = async (store: Store) =>
    (
      await store.query<{ principal: string; action: string }>(
        'SELECT principal, action FROM audit_log ORDER BY ts, action',
      )
    ).map((r) => `${r.principal} ${r.action}`);

  it('rolls out an approved draft to new calls, refuses self-approval, and rolls back', async () => {
    const store = await open(join(tmpDir(), 'a.duckdb'));
    const x = engine();
    const authoring = scriptAuthoring({
      store,
      decisions: x.e,
      checkBotLine: check,
      sayInstead: guard.sayInstead,
      clock: x.clock,
    });
    await expect(authoring.propose(ana, library('bad', promising))).rejects.toThrow(/保本/);
    const d = await authoring.propose(ana, library('2026-12-20'));
    expect(d).toMatchObject({ status: 'pending', baseVersion: '2026-12-06', proposedBy: 'ana' });
    await expect(authoring.propose(admin, library('2026-12-20'))).rejects.toThrow(/proposed/);

    await expect(authoring.approve(ana, d.id)).rejects.toThrow(/someone else/);
    expect(x.e.turn(turn('call-1', '你好')).script_version).toBe('2026-12-06');
    const approved = await authoring.approve(comp, d.id);
    expect(approved).toMatchObject({ status: 'approved', reviewedBy: 'comp' });
    expect(x.e.turn(turn('call-2', '你好')).script_version).toBe('2026-12-20');
    await expect(authoring.reject(admin, d.id, 'late')).rejects.toThrow(/approved already/);

    expect(await authoring.rollBack(comp, '2026-12-06')).toBe('2026-12-06');
    expect(x.e.turn(turn('call-3', '你好')).script_version).toBe('2026-12-06');
    await expect(authoring.rollBack(comp, 'never')).rejects.toThrow(/no scripts version/);
    expect(authoring.versions().map((v) => [v.library.version, v.current])).toEqual([
      ['2026-12-20', false],
      ['2026-12-06', true],
    ]);
    expect(await audited(store)).toEqual(
      expect.arrayContaining([
        'ana scripts.propose',
        'ana scripts.approve.refused',
        'comp scripts.approve',
        'comp scripts.rollback',
      ]),
    );
    await store.close();
  });

  it('checks a line as the bot would, with a compliant wording', () => {
    const x = engine();
    const authoring = scriptAuthoring({
      store: undefined as never,
      decisions: x.e,
      checkBotLine: check,
      sayInstead: guard.sayInstead,
      clock: x.clock,
    });
    const [hit] = authoring.checkLine('我们的产品保本，收益稳定');
    expect(hit).toMatchObject({ rule: 'principal_guarantee', term: '保本', start: 5, end: 7 });
    expect(hit!.say_instead.zh).toMatch(/不承诺保本/);
    expect(authoring.checkLine('我们的产品有风险，请以合同为准')).toEqual([]);
  });

  it('keeps drafts and their reviews across a restart', async () => {
    const path = join(tmpDir(), 'b.duckdb');
    let store = await open(path);
    const lib = libraryToRollOut(library('v9'), check);
    const d = await new ScriptDrafts(store).add(lib, { name: 'ana', baseVersion: 'v1', atMs: 0 });
    await new ScriptDrafts(store).review(d.id, {
      status: 'rejected',
      by: 'comp',
      atMs: 60_000,
      reason: 'too pushy',
    });
    await store.close();
    store = await open(path);
    const drafts = new ScriptDrafts(store);
    expect(await drafts.get(d.id)).toMatchObject({
      version: 'v9',
      status: 'rejected',
      reviewedBy: 'comp',
      reviewedAt: '1970-01-01T00:01:00.000Z',
      reason: 'too pushy',
      library: lib,
    });
    expect(await drafts.list('pending')).toEqual([]);
    await expect(drafts.review(d.id, { status: 'approved', by: 'x', atMs: 1 })).rejects.toThrow(
      /not pending/,
    );
    await store.close();
  });
});
