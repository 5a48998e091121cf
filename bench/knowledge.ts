/**
 * Knowledge retrieval benchmark: recall@3 and MRR of BM25 over the sample
 * knowledge base (config/knowledge) with each tokenizer (CJK bigrams, jieba
 * words, either with characters as terms too), next to a plain
 * keyword-overlap baseline, on questions written apart from the KB text;
 * and the latency of one retrieval from DuckDB, as a live call's turn runs it.
 *
 *   npx tsx bench/knowledge.ts [--rounds 20]
 *
 * Two question sets (bench/data): `first`, whose one run judged bigram
 * against jieba as first built and which was seen after that run, and
 * `heldOut`, written then and never seen before a run: the default tokenizer
 * is the best on `heldOut`. Prints a JSON result and writes it to
 * bench/results/knowledge.json.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KNOWLEDGE_TOKENIZERS } from '../src/core/config-generation.js';
import { migrate, Store } from '../src/core/store/store.js';
import { fold } from '../src/core/text-tokens.js';
import {
  BM25,
  type Chunk,
  readKnowledge,
  retrieve,
  storeKnowledge,
} from '../src/models/knowledge/index.js';
import { tmpDir } from '../test/helpers/tmp.js';

interface Question {
  q: string;
  campaign: string;
  asr?: boolean;
  answers: string[];
}

const { values } = parseArgs({ options: { rounds: { type: 'string' } } });
const ROUNDS = Number(values.rounds ?? 20);
const DEPTH = 10;
const readSet = (file: string): Question[] =>
  (JSON.parse(readFileSync(join('bench/data', file), 'utf8')) as { questions: Question[] })
    .questions;
const SETS = {
  first: readSet('knowledge-questions.json'),
  heldOut: readSet('knowledge-questions-2.json'),
};
const kb = readKnowledge('config/knowledge');

const inCampaign = (c: Chunk, campaign: string | undefined): boolean =>
  campaign === undefined || c.campaigns.length === 0 || c.campaigns.includes(campaign);

/** The baseline: chunks ranked by how many distinct query characters (letters, digits, hanzi) they contain. */
function overlapRanking(q: string, campaign: string | undefined): string[] {
  const chars = [...new Set([...fold(q)].filter((ch) => /[\p{L}\p{N}]/u.test(ch)))];
  return kb.chunks
    .filter((c) => inCampaign(c, campaign))
    .map((c) => {
      const text = fold(`${c.title}\n${c.text}`);
      return { id: c.id, score: chars.filter((ch) => text.includes(ch)).length };
    })
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, DEPTH)
    .map((r) => r.id);
}

type Rank = (q: Question) => Promise<string[]>;

const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

/** recall@1, recall@3 and MRR@10 of a ranking, overall and on the questions with ASR errors. */
async function score(questions: Question[], rank: Rank, misses: boolean) {
  const rows: { q: Question; got: string[]; at: number }[] = [];
  for (const q of questions) {
    const got = await rank(q);
    rows.push({ q, got, at: got.findIndex((id) => q.answers.includes(id)) });
  }
  const measure = (rs: typeof rows) => ({
    recallAt1: round(rs.filter((r) => r.at === 0).length / rs.length),
    recallAt3: round(rs.filter((r) => r.at >= 0 && r.at < 3).length / rs.length),
    mrr: round(rs.reduce((s, r) => s + (r.at >= 0 ? 1 / (r.at + 1) : 0), 0) / rs.length),
  });
  return {
    ...measure(rows),
    asr: measure(rows.filter((r) => r.q.asr)),
    ...(misses && {
      missesAt3: rows
        .filter((r) => r.at < 0 || r.at >= 3)
        .map((r) => ({ q: r.q.q, answers: r.q.answers, top3: r.got.slice(0, 3) })),
    }),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Per-query wall time of `run` over the questions, after one pass to warm up. */
async function latency(questions: Question[], run: (q: Question) => Promise<unknown>) {
  for (const q of questions) await run(q);
  const ms: number[] = [];
  for (let r = 0; r < ROUNDS; r++)
    for (const q of questions) {
      const t0 = performance.now();
      await run(q);
      ms.push(performance.now() - t0);
    }
  ms.sort((a, b) => a - b);
  return {
    queries: ms.length,
    p50: round(percentile(ms, 0.5)),
    p99: round(percentile(ms, 0.99)),
    max: round(ms[ms.length - 1]!),
  };
}

/** Every ranking on one question set, within the call's campaign or over all chunks. */
async function accuracy(store: Store, questions: Question[], byCampaign: boolean) {
  const campaignOf = (q: Question) => (byCampaign ? q.campaign : undefined);
  const out: Record<string, Awaited<ReturnType<typeof score>>> = {
    baseline: await score(questions, async (q) => overlapRanking(q.q, campaignOf(q)), false),
  };
  for (const tokenizer of KNOWLEDGE_TOKENIZERS)
    out[tokenizer] = await score(
      questions,
      async (q) => {
        const campaign = campaignOf(q);
        const opts = { version: kb.version, tokenizer, k: DEPTH };
        const hits = await retrieve(store, q.q, campaign ? { ...opts, campaign } : opts);
        return hits.map((r) => r.id);
      },
      byCampaign,
    );
  return out;
}

async function loadAll(store: Store) {
  const load: Record<string, { ms: number; postings: number }> = {};
  for (const t of KNOWLEDGE_TOKENIZERS) {
    const t0 = performance.now();
    await storeKnowledge(store, kb, t);
    const ms = round(performance.now() - t0, 1);
    const [row] = await store.query<{ n: bigint }>(
      'SELECT count(*) AS n FROM knowledge_postings WHERE tokenizer = ?',
      [t],
    );
    load[t] = { ms, postings: Number(row!.n) };
  }
  return load;
}

async function main() {
  const dir = tmpDir();
  const store = await Store.open(join(dir, 'knowledge.duckdb'));
  await migrate(store);
  const load = await loadAll(store);
  const sets: Record<string, object> = {};
  for (const [name, questions] of Object.entries(SETS))
    sets[name] = {
      questions: questions.length,
      asrQuestions: questions.filter((q) => q.asr).length,
      withCampaign: await accuracy(store, questions, true),
      allCampaigns: await accuracy(store, questions, false),
    };
  const all = [...SETS.first, ...SETS.heldOut];
  // A retrieval (tokenising the query, one statement, the rows back), and a bare round trip to the store.
  const latencyMs: Record<string, object> = {
    select1: await latency(all, () => store.query('SELECT 1')),
  };
  for (const tokenizer of KNOWLEDGE_TOKENIZERS)
    latencyMs[tokenizer] = await latency(all, (q) =>
      retrieve(store, q.q, { version: kb.version, tokenizer, k: 3, campaign: q.campaign }),
    );
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const held = (
    sets.heldOut as { withCampaign: Record<string, { recallAt3: number; mrr: number }> }
  ).withCampaign;
  const best = [...KNOWLEDGE_TOKENIZERS].sort(
    (a, b) => held[b]!.recallAt3 - held[a]!.recallAt3 || held[b]!.mrr - held[a]!.mrr,
  )[0];
  return {
    mode: 'knowledge',
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    date: new Date().toISOString(),
    kb: { version: kb.version, chunks: kb.chunks.length },
    bm25: BM25,
    best,
    load,
    latencyMs,
    sets,
  };
}

const result = await main();
writeFileSync('bench/results/knowledge.json', JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
