/**
 * The data bench/query measures: the simulator's calls written through the
 * pipeline's DuckDB sink (calls, turns, compliance hits, web visits,
 * profiles), then the KPI roll-up and the search index built as the running
 * platform builds them. Enrichment is replaced by a plain fold of each
 * call's events into its rows, with the real compliance check on every turn:
 * the per-turn models (intent, emotion) would cost an hour here and no query
 * reads their columns.
 *
 * Customer lines come from real utterances (banking77, CrossWOZ, CPED) when
 * ../shared/datasets is present, so the search index sees a real vocabulary.
 */
import { existsSync } from 'node:fs';
import { refreshRollup } from '../src/analytics/kpis/index.js';
import { SearchIndexer } from '../src/analytics/search/index.js';
import { createFieldCipher } from '../src/core/crypto.js';
import type { DialwiseEvent } from '../src/core/events/index.js';
import { MIGRATIONS } from '../src/core/store/migrations.js';
import { migrate, Store } from '../src/core/store/store.js';
import { CallSimulator } from '../src/datasets/simulator.js';
import { datasetsDir, loadTextDataset } from '../src/datasets/text/index.js';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
} from '../src/models/compliance/index.js';
import {
  DuckDbSink,
  hitRow,
  turnRow,
  newCall,
  newProfile,
  type CallState,
  type Profile,
  emptyRows,
  profileRow,
  SealCache,
  type SinkRows,
} from '../src/pipelines/index.js';
import type { ComplianceHit } from '../src/models/types.js';

export interface DataSpec {
  calls: number;
  customers: number;
  days: number;
  seed: number;
  /** The last call starts here (epoch ms). */
  endMs: number;
  /** Calls from a second simulator, to reach the turns wanted. */
  topUp: number;
}

const BATCH_CALLS = 25_000;

async function utterances(): Promise<string[] | undefined> {
  if (!existsSync(datasetsDir())) return undefined;
  const sets = ['banking77:train', 'crosswoz:val', 'crosswoz:test', 'cped:test', 'cped:valid'];
  const texts = new Set<string>();
  for (const s of sets) for (const r of await loadTextDataset(s)) texts.add(r.text);
  return [...texts];
}

/** How far the customers' states are known: what a profile snapshot needs. */
interface Known {
  profile: Profile;
  lastOutcome: string | null;
}

const OUTCOME_SCORE: Record<string, number> = {
  converted: 0.9,
  interested: 0.7,
  callback: 0.55,
  no_decision: 0.35,
  rejected: 0.15,
  complaint: 0.05,
};

/** One call's events as the rows the pipeline would commit for it. */
function fold(
  events: DialwiseEvent[],
  out: SinkRows,
  known: Map<string, Known>,
  compliance: (text: string, speaker: 'customer' | 'bot' | 'agent') => ComplianceHit[],
): void {
  let call: CallState | undefined;
  for (const e of events) {
    let k = known.get(e.customer_id);
    if (!k)
      known.set(e.customer_id, (k = { profile: newProfile(e.customer_id), lastOutcome: null }));
    const p = k.profile;
    switch (e.type) {
      case 'customer.updated':
        p.name = e.fields.name ?? null;
        p.phone = e.fields.phone ?? null;
        for (const [f, v] of Object.entries(e.fields))
          if (f !== 'name' && f !== 'phone' && v !== null && v !== undefined) p.crm[f] = v;
        p.tags = [
          `industry:${String(p.crm['industry'])}`,
          `tier:${String(p.crm['customer_tier'])}`,
        ];
        break;
      case 'web.visit':
        out.visits.push(e);
        p.web_visits += 1;
        break;
      case 'call.started':
        call = Object.assign(newCall(e.call_id, e.customer_id), {
          campaign_id: e.campaign_id,
          script_id: e.script_id,
          script_version: e.script_version,
          handled_by: e.handled_by,
          region: e.region,
          product_line: e.product_line,
          started_at: e.ts,
          customer_turns: 0,
          compliance_hits: 0,
        });
        p.calls += 1;
        p.last_call_at = e.ts;
        break;
      case 'call.answered':
        call!.answered = true;
        p.answered += 1;
        break;
      case 'call.unanswered':
        Object.assign(call!, { answered: false, unanswered_reason: e.reason });
        break;
      case 'call.abandoned':
        Object.assign(call!, { answered: false, abandoned: true });
        break;
      case 'dialog.turn': {
        out.turns.push(turnRow(e, false));
        if (e.speaker === 'customer') call!.customer_turns! += 1;
        for (const h of compliance(e.text, e.speaker)) {
          out.hits.push(hitRow(e, h));
          call!.compliance_hits! += 1;
        }
        break;
      }
      case 'call.ended':
        Object.assign(call!, { outcome: e.outcome, duration_s: e.duration_s, ended_at: e.ts });
        k.lastOutcome = e.outcome;
        break;
      default:
        break;
    }
  }
  if (call) {
    call.intent_score = OUTCOME_SCORE[call.outcome ?? 'no_decision'] ?? 0.3;
    out.calls.push(call);
  }
}

/** The simulator's calls, evenly spread over `spec.days` up to `spec.endMs`, through the sink. */
async function writeCalls(
  sink: DuckDbSink,
  sim: CallSimulator,
  calls: number,
  spec: DataSpec,
  known: Map<string, Known>,
): Promise<void> {
  const guard = createComplianceGuard(DEFAULT_COMPLIANCE_CONFIG);
  // The simulator repeats lines: each distinct one is checked once.
  const checked = new Map<string, ComplianceHit[]>();
  const compliance = (text: string, speaker: 'customer' | 'bot' | 'agent'): ComplianceHit[] => {
    const key = `${speaker}\u0000${text}`;
    let hits = checked.get(key);
    if (!hits) checked.set(key, (hits = guard.compliance(text, speaker)));
    return hits;
  };
  const spanMs = spec.days * 86_400_000;
  const t0 = Date.now();
  let turns = 0;
  for (let from = 0; from < calls; from += BATCH_CALLS) {
    const rows = emptyRows();
    for (let i = from; i < Math.min(calls, from + BATCH_CALLS); i++) {
      const at = new Date(spec.endMs - spanMs + (spanMs * i) / calls);
      fold(sim.nextCall(at), rows, known, compliance);
    }
    turns += rows.turns.length;
    rows.counters.accepted = rows.calls.length;
    await sink.write(rows, []);
    if ((from / BATCH_CALLS) % 20 === 0)
      console.error(
        `[data] ${from + rows.calls.length} calls, ${turns} turns, ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
  }
}

/**
 * Writes `spec.calls` simulated calls into a fresh DuckDB file, their
 * customers' profiles, then `spec.topUp` more calls from a second simulator
 * over the same days (the turns the first fell short of: profiles keep the
 * first one's snapshot, as a snapshot lags the calls), then builds the
 * roll-up and the search index to the end. Logs progress to stderr.
 */
export async function buildQueryData(file: string, spec: DataSpec): Promise<void> {
  const t0 = Date.now();
  const store = await Store.open(file, { memoryLimit: '6GB', checkpointThreshold: '1GB' });
  await migrate(store);
  const sink = new DuckDbSink(store);
  await sink.init();
  const pool = await utterances();
  console.error(`[data] ${pool ? `${pool.length} real customer utterances` : 'built-in lines'}`);
  const known = new Map<string, Known>();
  await writeCalls(
    sink,
    new CallSimulator(spec.seed, spec.customers, pool),
    spec.calls,
    spec,
    known,
  );
  const cipher = createFieldCipher(Buffer.alloc(32, 7).toString('base64'), []);
  const seals = new SealCache(cipher);
  const now = new Date(spec.endMs).toISOString();
  const all = [...known.values()];
  for (let i = 0; i < all.length; i += 50_000) {
    const rows = emptyRows();
    rows.profiles = all.slice(i, i + 50_000).map(({ profile: p, lastOutcome }) => {
      p.intent_score = OUTCOME_SCORE[lastOutcome ?? 'no_decision'] ?? 0.3;
      return profileRow(p, seals, now);
    });
    await sink.write(rows, []);
  }
  console.error(`[data] ${all.length} profiles`);
  await topUp(store, sink, spec, pool);
  await indexAll(store);
  console.error(`[data] done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  await store.close();
}

/** The second simulator's calls, then the KPI roll-up brought up to date. */
async function topUp(
  store: Store,
  sink: DuckDbSink,
  spec: DataSpec,
  pool: string[] | undefined,
): Promise<void> {
  if (spec.topUp > 0) {
    const sim = new CallSimulator(spec.seed + 1, spec.customers, pool);
    await writeCalls(sink, sim, spec.topUp, spec, new Map());
  }
  console.error('[data] rolling up KPIs');
  while ((await refreshRollup(store, 24 * 14)) > 0);
}

/** Adds the top-up calls to a file built without them (as the first build of this file was). */
export async function addTopUp(file: string, spec: DataSpec): Promise<void> {
  const store = await Store.open(file, { memoryLimit: '6GB', checkpointThreshold: '1GB' });
  const sink = new DuckDbSink(store);
  await sink.init();
  await topUp(store, sink, spec, await utterances());
  await store.query('CHECKPOINT');
  await store.close();
}

/** Builds the transcript search index to the end, as the platform's indexer does in steps. */
export async function indexAll(store: Store): Promise<void> {
  const t0 = Date.now();
  const indexer = new SearchIndexer(store);
  for (let done = 0; ;) {
    const r = await indexer.run({ maxTurns: 2_000_000 });
    if (r.indexed === 0 && r.merged === 0) break;
    done += r.indexed;
    console.error(`[index] ${done} turns, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  await store.query('CHECKPOINT');
}

/**
 * Drops the search index and builds it again (after a change to the index),
 * its tables as the migration defines them now.
 */
export async function reindex(file: string): Promise<void> {
  const store = await Store.open(file, { memoryLimit: '6GB', checkpointThreshold: '1GB' });
  const sql = MIGRATIONS.find((m) => m.version === 7)!.sql;
  const creates = sql.match(/CREATE TABLE search_\w+ \([^;]*\);/g)!;
  await store.transaction(async (tx) => {
    await tx.run('DROP TABLE search_postings');
    await tx.run('DROP TABLE search_segments');
    for (const create of creates) await tx.run(create);
  });
  await store.query('CHECKPOINT');
  await indexAll(store);
  await store.close();
}
