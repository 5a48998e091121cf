/**
 * Exports the tables Dialwise's enrichment reads, from Dialwise's own
 * modules, as one JSON file a benchmark peer (bench/peers/flink) loads, so
 * both sides match the same cues, terms, score parameters and tag rules:
 *
 *   npx tsx bench/peers/export-terms.ts <out.json>
 *
 * What it holds:
 * - fold: the characters the keyword models fold (traditional to simplified),
 *   found by asking Dialwise's own `foldChar` about every CJK code point;
 * - intent, objection, emotion: the keyword cue sets as `compileCues` builds
 *   them (match order, weight, probe, the regular expression's source);
 * - compliance: the rules' terms, patterns, allowed phrases and negation cues
 *   of config/compliance.json as Dialwise validated it;
 * - score: the propensity baseline's coefficients (checked here against
 *   `baselinePropensity` on random inputs), the lead score's parameters, the
 *   positive and negative intents, the emotion fusion options;
 * - tags: config/tags.json through Dialwise's own loader;
 * - enrich: the default dedupe window, lateness and skew of `loadConfig`;
 * - samples: texts with Dialwise's own answers (intent, emotion, objection,
 *   compliance hits) and events with `parseEvent`'s verdict, so the peer can
 *   measure how far its port agrees (`java -jar … --check-terms`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/core/config.js';
import { parseEvent } from '../../src/core/events/index.js';
import { seeded } from '../../src/core/rng.js';
import { CallSimulator } from '../../src/datasets/simulator.js';
import { DEFAULT_FUSION_OPTIONS } from '../../src/models/emotion-fusion.js';
import {
  DEFAULT_COMPLIANCE_CONFIG,
  createComplianceChecker,
} from '../../src/models/compliance/index.js';
import { compileCues, matchCues, tally, type CueSet } from '../../src/models/keyword/cues.js';
import { keywordEmotion } from '../../src/models/keyword/emotion.js';
import { keywordIntent } from '../../src/models/keyword/intent.js';
import { INTENT_BLOCKERS, INTENT_CUES } from '../../src/models/keyword/intent-cues.js';
import { fold, foldChar } from '../../src/models/keyword/normalize.js';
import { OBJECTION_BLOCKERS, OBJECTION_CUES } from '../../src/models/keyword/slot-cues.js';
import { LEAD_SCORE, isPricingPage } from '../../src/models/lead-score.js';
import {
  NEGATIVE_INTENTS,
  POSITIVE_INTENTS,
  baselinePropensity,
  type PropensityFeatures,
} from '../../src/models/propensity.js';
import { loadTagRules } from '../../src/pipelines/enrich/tags.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: npx tsx bench/peers/export-terms.ts <out.json>');
  process.exit(2);
}
const root = join(import.meta.dirname, '..', '..');

/** A compiled cue set as plain data, in the order `matchCues` tries the cues. */
const cueTable = <L extends string>(set: CueSet<L>) =>
  set.cues.map((c) => ({
    label: c.label,
    text: c.text,
    weight: c.weight,
    probe: c.probe,
    regex: c.re.source,
  }));

/**
 * The emotion cue table is private to emotion.ts: it is read from that
 * file's source (the one `compileCues<Cued>(…)` call) and compiled with
 * Dialwise's compileCues, then checked against keywordEmotion below.
 */
function emotionCues() {
  const src = readFileSync(join(root, 'src/models/keyword/emotion.ts'), 'utf8');
  const at = src.indexOf('compileCues<Cued>(');
  const end = src.indexOf(');', at);
  if (at < 0 || end < 0) throw new Error('emotion.ts: the compileCues<Cued>(…) call was not found');
  const args = src
    .slice(at + 'compileCues<Cued>('.length, end)
    .replace(/^\s*\/\/.*$/gm, '')
    .trim();
  // The arguments are two literals (an object of string arrays, an array of strings).
  const [table, blockers] = new Function(`return [${args}];`)() as [
    Record<'positive' | 'negative' | 'angry' | 'impatient', string[]>,
    string[],
  ];
  return compileCues(table, blockers);
}

/** Every CJK character Dialwise's keyword fold maps to another (traditional → simplified). */
function foldTable(): Record<string, string> {
  const map: Record<string, string> = {};
  const ranges: [number, number][] = [
    [0x3400, 0x4dbf],
    [0x4e00, 0x9fff],
    [0xf900, 0xfaff],
  ];
  for (const [lo, hi] of ranges)
    for (let cp = lo; cp <= hi; cp++) {
      const ch = String.fromCodePoint(cp);
      const f = foldChar(ch);
      if (f !== ch.toLowerCase()) map[ch] = f;
    }
  return map;
}

/**
 * The baseline's coefficients, as written in models/propensity.ts (a
 * function there, not a table): checked on random inputs, so an edit on
 * Dialwise's side fails this export rather than drifting silently.
 */
const BASELINE = {
  bias: -1.6,
  positiveIntents: { weight: 0.55, cap: 5 },
  negativeIntents: { weight: -0.7, cap: 5 },
  objections: { weight: -0.25, cap: 5 },
  valence: { weight: 0.8 },
  customerTurns: { weight: 0.05, cap: 10 },
  recentPricingVisit: { weight: 0.6 },
  webVisits: { weight: 0.1, cap: 5 },
  priorConversions: { weight: 0.5, cap: 2 },
  complaints: { weight: -1.5, cap: 1 },
};

function checkBaseline(): void {
  const rng = seeded(42);
  const n = (max: number) => Math.floor(rng() * (max + 1));
  for (let i = 0; i < 2_000; i++) {
    const f: PropensityFeatures = {
      positiveIntents: n(7),
      negativeIntents: n(7),
      objections: n(7),
      valence: Math.round((rng() * 2 - 1) * 1000) / 1000,
      customerTurns: n(12),
      recentPricingVisit: rng() < 0.5,
      webVisits: n(7),
      priorConversions: n(3),
      complaints: n(2),
    };
    const b = BASELINE;
    const x =
      b.bias +
      b.positiveIntents.weight * Math.min(f.positiveIntents, b.positiveIntents.cap) +
      b.negativeIntents.weight * Math.min(f.negativeIntents, b.negativeIntents.cap) +
      b.objections.weight * Math.min(f.objections, b.objections.cap) +
      b.valence.weight * f.valence +
      b.customerTurns.weight * Math.min(f.customerTurns, b.customerTurns.cap) +
      (f.recentPricingVisit ? b.recentPricingVisit.weight : 0) +
      b.webVisits.weight * Math.min(f.webVisits, b.webVisits.cap) +
      b.priorConversions.weight * Math.min(f.priorConversions, b.priorConversions.cap) +
      b.complaints.weight * Math.min(f.complaints, b.complaints.cap);
    const mine = Math.round((1 / (1 + Math.exp(-x))) * 1000) / 1000;
    if (Math.abs(mine - baselinePropensity(f)) > 1e-9)
      throw new Error(`the propensity baseline changed in Dialwise: ${JSON.stringify(f)}`);
  }
}

/** Texts the peer's port is checked on: the simulator's lines, every cue, and some mixed ones. */
function sampleTexts(): string[] {
  const sim = new CallSimulator(11, 200);
  const texts = new Set<string>();
  for (let i = 0; i < 400; i++)
    for (const e of sim.nextCall(new Date(1_700_000_000_000 + i * 60_000)))
      if (e.type === 'dialog.turn') texts.add(e.text);
  const cues = [
    ...Object.values<readonly string[]>(INTENT_CUES).flat(),
    ...Object.values<readonly string[]>(OBJECTION_CUES).flat(),
    ...INTENT_BLOCKERS,
  ];
  for (const c of cues) texts.add(c);
  for (const r of DEFAULT_COMPLIANCE_CONFIG.rules)
    for (const t of r.terms) {
      texts.add(`这款产品${t}，您放心。`);
      texts.add(`我们不承诺${t}。`);
    }
  const mixed = [
    '你好，我想问一下价格，太贵了的话就不考虑了',
    'Hello! How much is it? Too expensive for me!!',
    '不贵，挺好的，我要买',
    '別再打了！！投訴你們',
    'ＨＥＬＬＯ，多少錢？',
    'not too expensive, sounds good, sign me up',
    '我是老板，我说了算，预算二十万左右',
    '快点说重点，我在忙',
    '已经在用别家的了，没需求',
    '这个收益是保证的，稳赚不赔，没有任何风险',
  ];
  for (const t of mixed) texts.add(t);
  return [...texts];
}

/** Events with parseEvent's verdict: the simulator's, then broken copies of them. */
function sampleEvents(): { json: string; valid: boolean; reason?: string }[] {
  const sim = new CallSimulator(13, 50);
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < 40; i++)
    for (const e of sim.nextCall(new Date(1_700_000_000_000 + i * 60_000)))
      events.push(e as unknown as Record<string, unknown>);
  const broken: Record<string, unknown>[] = [];
  const edits: ((e: Record<string, unknown>) => void)[] = [
    (e) => delete e.event_id,
    (e) => (e.schema_version = 2),
    (e) => (e.type = 'call.exploded'),
    (e) => (e.customer_id = 'x'.repeat(65)),
    (e) => (e.customer_id = '__proto__'),
    (e) => (e.ts = '2026-01-01 10:00'),
    (e) => (e.ts = '2026-01-01T10:00:00'),
    (e) => (e.extra = 1),
    (e) => (e.event_id = 'short'),
    (e) => (e.customer_id = ''),
  ];
  events.slice(0, 60).forEach((e, i) => {
    const copy = structuredClone(e);
    edits[i % edits.length]!(copy);
    broken.push(copy);
  });
  const typed: Record<string, (e: Record<string, unknown>) => void> = {
    'dialog.turn': (e) => (e.asr_confidence = 1.5),
    'call.ended': (e) => (e.outcome = 'maybe'),
    'call.started': (e) => (e.handled_by = 'robot'),
    'customer.updated': (e) => ((e.fields as Record<string, unknown>).phone = 'call me'),
    'web.visit': (e) => (e.page = ''),
    'call.unanswered': (e) => (e.reason = 'asleep'),
  };
  for (const e of events) {
    const edit = typed[e.type as string];
    if (!edit) continue;
    const copy = structuredClone(e);
    edit(copy);
    broken.push(copy);
  }
  const raw = [...events, ...broken].map((e) => JSON.stringify(e));
  raw.push('{"type": "call.started", ', 'null', '[]', '"text"', '{}');
  return raw.map((json) => {
    const r = parseEvent(json);
    return r.ok ? { json, valid: true } : { json, valid: false, reason: r.reason };
  });
}

checkBaseline();
const intents = compileCues(INTENT_CUES, INTENT_BLOCKERS);
const objections = compileCues(OBJECTION_CUES, OBJECTION_BLOCKERS);
const emotions = emotionCues();
const compliance = createComplianceChecker(DEFAULT_COMPLIANCE_CONFIG);
const config = loadConfig({ env: {} });
const c = DEFAULT_COMPLIANCE_CONFIG;

const terms = {
  format: 'dialwise-peer-terms',
  version: 1,
  exportedAt: new Date().toISOString(),
  fold: { tradToSimp: foldTable() },
  intent: { cues: cueTable(intents) },
  objection: { cues: cueTable(objections) },
  emotion: { cues: cueTable(emotions), fusion: DEFAULT_FUSION_OPTIONS },
  compliance: {
    rules: c.rules.map((r) => ({
      name: r.name,
      terms: r.terms.map((t) => ({ term: t, folded: fold(t) })),
      patterns: (r.patterns ?? []).map((p) => ({
        name: p.name,
        cues: p.cues.map((g) => g.map((x) => fold(x))),
        window: p.window,
        clauses: p.clauses ?? 1,
      })),
    })),
    allow: c.allow.map((a) => fold(a)),
    negationBefore: c.negation.before.map((b) => ({
      scope: b.scope,
      cues: b.cues.map((x) => fold(x)),
    })),
    notNegation: c.negation.notNegation.map((x) => fold(x)),
  },
  score: {
    baseline: BASELINE,
    positiveIntents: [...POSITIVE_INTENTS],
    negativeIntents: [...NEGATIVE_INTENTS],
    leadScore: LEAD_SCORE,
    pricingPage: '(?i)pric|价格|报价|套餐|plans?\\b',
    /** profile.ts's VALENCE_ALPHA (a private constant there). */
    valenceAlpha: 0.3,
  },
  tags: loadTagRules(JSON.parse(readFileSync(join(root, 'config/tags.json'), 'utf8'))),
  enrich: {
    dedupeWindow: config.dedupeWindow,
    latenessMs: config.latenessMs,
    maxSkewMs: config.maxSkewMs,
    closedCallsKept: 16,
    partitions: config.kafkaPartitions,
  },
  samples: {
    texts: sampleTexts().map((text) => {
      const folded = fold(text);
      const intent = keywordIntent(text);
      return {
        text,
        intent: intent.intent,
        confidence: intent.confidence,
        emotion: keywordEmotion(text),
        objection: tally(matchCues(folded, objections))[0]?.label ?? null,
        compliance: compliance(text, 'agent'),
        pricing: isPricingPage(text),
      };
    }),
    events: sampleEvents(),
  },
};

// The emotion table was read from source: check it gives keywordEmotion's labels on its own cues.
const wrong = emotions.cues.filter(
  (q) => q.label !== null && keywordEmotion(q.text).label !== q.label && q.label !== 'negative',
);
if (wrong.length > emotions.cues.length / 4)
  throw new Error(`the emotion table read from emotion.ts looks wrong (${wrong.length} cues)`);

writeFileSync(out, JSON.stringify(terms, null, 1) + '\n');
console.error(
  `wrote ${out}: ${intents.cues.length} intent, ${objections.cues.length} objection, ` +
    `${emotions.cues.length} emotion cues; ${c.rules.length} compliance rules; ` +
    `${terms.tags.rules.length} tag rules; ${Object.keys(terms.fold.tradToSimp).length} folded characters; ` +
    `${terms.samples.texts.length} sample texts, ${terms.samples.events.length} sample events`,
);
