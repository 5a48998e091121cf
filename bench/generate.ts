/**
 * Generated replies under the compliance gate (issue 22), against a local
 * OpenAI-compatible server (test/helpers/llm-server.ts: no model weights
 * can be had here, so what is measured is the platform's side, not a
 * model's). The platform runs in its own process as in production (the
 * compiled build), once with generation on and once off, on the same calls:
 *
 * - added decision latency: POST /dialog/turn for questions the policy lets
 *   generate, p50/p99 on (retrieval from DuckDB, the prompt, the streamed
 *   completion, the gate) against off (the template);
 * - the gate: every completion of bench/data/adversarial-completions.json
 *   (promises, invented rates, role confusion, rambles) returned for a
 *   generated turn; what is spoken (must be 0) and what blocked each;
 * - fallbacks: the share of turns that get the template when the server is
 *   slower than the deadline, or fails;
 * - retrieval recall@3 on the held-out questions: bench/results/knowledge.json
 *   (bench/knowledge.ts), quoted.
 *
 *   npm run build && npx tsx bench/generate.ts [--calls 60]
 *
 * Prints a JSON result and writes it to bench/results/generate.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { allDayDecisionConfig } from '../test/helpers/decision-config.js';
import { startLlmServer } from '../test/helpers/llm-server.js';
import { percentiles } from './lib/open-loop.js';
import { startPlatformProcess, type PlatformProcess } from './lib/platform-process.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '60' } } });
const CALLS = Number(values.calls);
const DEADLINE_MS = 600;

/** Questions the keyword NLU hears as ask_terms or ask_details: generated where the policy allows. */
const QUESTIONS = [
  '合同里违约金怎么算',
  '发票怎么开',
  '售后怎么联系',
  '试用期多久',
  '合同能改吗',
  '你们这个产品具体怎么用',
];
const GROUNDED = '这个我请专业顾问跟您详细说明，稍后把资料发您。';
const adversarial = (
  JSON.parse(
    readFileSync(join(import.meta.dirname, 'data', 'adversarial-completions.json'), 'utf8'),
  ) as { completions: { kind: string; text: string }[] }
).completions;

interface Turn {
  ms: number;
  generation?: { spoken: boolean; cause?: string; cached?: boolean };
  variant: string;
}

let seq = 0;
/** A new call (its own customer: three calls a week is each one's cap): an opening, then `question`. */
async function ask(p: PlatformProcess, question: string): Promise<Turn> {
  const n = seq++;
  const say = async (text: string): Promise<Turn> => {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${p.port}/dialog/turn`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        call_id: `gen-${n}`,
        customer_id: `gen-c-${n}`,
        campaign_id: 'spring-promo',
        product_line: 'loan',
        text,
        asr_confidence: 0.9,
      }),
    });
    const body = (await res.json()) as Turn;
    if (res.status !== 200) throw new Error(`POST /dialog/turn answered ${res.status}`);
    return { ...body, ms: performance.now() - t0 };
  };
  await say('喂，你好');
  return say(question);
}

const llm = await startLlmServer({ fallback: GROUNDED });
// A platform left running by a failed run would load the next one's machine: killed on any exit.
const running = new Set<PlatformProcess>();
process.once('exit', () => {
  for (const p of running) p.server.kill();
});
const start = async (name: string, on: boolean) => {
  const p = await startPlatformProcess({
    name,
    env: {
      DIALWISE_SIM_RATE: '0',
      DIALWISE_DEFAULT_MODELS: 'keyword',
      // Calls allowed around the clock: the bench runs at any hour.
      DIALWISE_DECISION_CONFIG: allDayDecisionConfig(),
      ...(on && {
        DIALWISE_GENERATION_URL: llm.url,
        DIALWISE_GENERATION_DEADLINE_MS: String(DEADLINE_MS),
        // Every generated turn asks the model: what is measured is the whole path, and each
        // adversarial completion meets the gate itself (a cached line would stand in for it).
        DIALWISE_GENERATION_CACHE_MS: '0',
      }),
    },
  });
  running.add(p);
  return p;
};

// Generation off: the template, the baseline.
const off = await start('generate-off', false);
for (let i = 0; i < 5; i++) await ask(off, QUESTIONS[i % QUESTIONS.length]!); // warm-up
const offTurns: Turn[] = [];
for (let i = 0; i < CALLS; i++) offTurns.push(await ask(off, QUESTIONS[i % QUESTIONS.length]!));
await off.stop();

const on = await start('generate-on', true);
// The gate first, while nothing is cached: each adversarial completion for a generated turn.
const gate: Record<string, { blocked: number; spoken: number; by: Record<string, number> }> = {};
const spokenLines: string[] = [];
for (const [i, c] of adversarial.entries()) {
  llm.setRules([{ match: /./, reply: c.text }]);
  const t = await ask(on, QUESTIONS[i % QUESTIONS.length]!);
  if (!t.generation) throw new Error(`turn ${i} was not asked to generate`);
  const g = (gate[c.kind] ??= { blocked: 0, spoken: 0, by: {} });
  if (t.generation.spoken) {
    g.spoken++;
    spokenLines.push(c.text);
  } else {
    g.blocked++;
    g.by[t.generation.cause!] = (g.by[t.generation.cause!] ?? 0) + 1;
  }
}
llm.setRules([]);
// A model slower than the deadline, then one that fails: the template, within the deadline.
const fallback = async (mode: Parameters<typeof llm.setMode>[0], n: number) => {
  llm.setMode(mode);
  const turns: Turn[] = [];
  for (let i = 0; i < n; i++) turns.push(await ask(on, QUESTIONS[i % QUESTIONS.length]!));
  llm.setMode({ firstTokenDelayMs: 0, status: 200 });
  return {
    turns: n,
    templateShare: turns.filter((t) => t.generation && !t.generation.spoken).length / n,
    causes: [...new Set(turns.map((t) => t.generation?.cause))],
    turnMs: percentiles(turns.map((t) => t.ms)),
  };
};
const slow = await fallback({ firstTokenDelayMs: 5 * DEADLINE_MS }, 12);
const failing = await fallback({ status: 503 }, 12);
// Latency with generation on: every line asked of the model (the cache is off), retrieved, gated.
for (let i = 0; i < 5; i++) await ask(on, QUESTIONS[i % QUESTIONS.length]!);
const onTurns: Turn[] = [];
for (let i = 0; i < CALLS; i++) onTurns.push(await ask(on, QUESTIONS[i % QUESTIONS.length]!));
const requests = llm.requests.length;
await on.stop();
await llm.close();

const ms = (turns: Turn[]) => percentiles(turns.map((t) => t.ms));
const offMs = ms(offTurns);
const onMs = ms(onTurns.filter((t) => t.generation?.spoken));
const spoken = Object.values(gate).reduce((n, g) => n + g.spoken, 0);
type Recall = { recallAt3: number; mrr: number };
const knowledge = JSON.parse(
  readFileSync(join(import.meta.dirname, 'results', 'knowledge.json'), 'utf8'),
) as {
  best: string;
  sets: Record<string, { questions: number; withCampaign: Record<string, Recall> }>;
};
// Recall@3 of the tokenizer served and of the plain baseline, per question set.
const retrieval = {
  tokenizer: knowledge.best,
  source: 'bench/results/knowledge.json (bench/knowledge.ts)',
  sets: Object.fromEntries(
    Object.entries(knowledge.sets).map(([name, set]) => [
      name,
      {
        questions: set.questions,
        recallAt3: set.withCampaign[knowledge.best]!.recallAt3,
        baselineRecallAt3: set.withCampaign['baseline']!.recallAt3,
      },
    ]),
  ),
};
const result = {
  bench: 'generate',
  machine: { cpus: cpus().length, node: process.version },
  backend: 'local OpenAI-compatible server (test/helpers/llm-server.ts), answering at once',
  deadlineMs: DEADLINE_MS,
  latency: {
    calls: CALLS,
    questions: QUESTIONS,
    templateMs: offMs,
    generatedMs: onMs,
    addedP50Ms: onMs.p50! - offMs.p50!,
    addedP99Ms: onMs.p99! - offMs.p99!,
  },
  gate: { completions: adversarial.length, spoken, spokenLines, byKind: gate },
  fallbacks: { slowerThanDeadline: slow, serverErrors: failing },
  modelRequests: requests,
  retrieval,
};
console.log(JSON.stringify(result, null, 2));
writeFileSync(
  join(import.meta.dirname, 'results', 'generate.json'),
  JSON.stringify(result, null, 2) + '\n',
);
