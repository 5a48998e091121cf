import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seeded } from '../../src/core/rng.js';
import { createSlotExtractor, DEFAULT_COMPETITORS } from '../../src/models/keyword/index.js';
import { recognise } from '../../src/twin/asr-noise.js';
import { phrasesOf } from '../../src/twin/phrases.js';
import {
  createWorld,
  loadScenario,
  localTime,
  type BotLine,
  type CustomerAct,
  type CustomerTurn,
  type SimCustomer,
} from '../../src/twin/index.js';

const ACTS: CustomerAct[] = [
  'greet', 'ask_who', 'interested', 'ask_price', 'objection_price', 'objection_competitor', 'busy',
  'callback', 'ask_human', 'opt_out', 'complaint', 'agree', 'reject', 'neutral',
]; // prettier-ignore
const PATH = [
  ['opening', 'standard'],
  ['identity_check', 'decision_maker'],
  ['needs_discovery', 'open_question'],
  ['product_pitch', 'benefit'],
  ['objection_handling', 'price'],
  ['pricing', 'flexible'],
  ['closing', 'trial_now'],
  ['callback_scheduling', 'ask_time'],
] as const;
const line = ([script_id, variant]: readonly [string, string]): BotLine => ({
  text: '您好，我是客户顾问助理',
  state: script_id,
  script_id,
  variant,
  concise: true,
  action: 'say',
});

interface Heard {
  customer: SimCustomer;
  atMs: number;
  turns: CustomerTurn[];
  /** Whether the customer was gone by the end (hung up, or did not answer one more line). */
  hungUp: boolean;
}

/** Many calls of the default world at varied hours, every turn kept. */
function calls(n: number): Heard[] {
  const w = createWorld(loadScenario('config/scenarios/default.json'), 3);
  const rng = seeded(17);
  const start = Date.parse(w.scenario.start);
  return Array.from({ length: n }, (_, i) => {
    const customer = w.customers[i % w.customers.length]!;
    const atMs = start + Math.floor(rng() * 7 * 24) * 3_600_000 + Math.floor(rng() * 60) * 60_000;
    const conv = w.converse(customer, atMs, rng);
    const turns = [conv.opening()];
    let hungUp = false;
    for (const l of PATH) {
      const t = conv.reply(line(l));
      if (!t) {
        hungUp = true;
        break;
      }
      turns.push(t);
    }
    // One more line tells whether the customer is still there.
    hungUp ||= conv.reply(line(['end', 'thanks'])) === undefined;
    return { customer, atMs, turns, hungUp };
  });
}

const heard = calls(4000);
const turnsOf = (act: CustomerAct) => heard.flatMap((h) => h.turns.filter((t) => t.act === act));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('what simulated customers say', () => {
  it.each(ACTS)('says %s in Chinese, never empty', (act) => {
    const turns = turnsOf(act);
    expect(turns.length).toBeGreaterThan(0);
    const wrong = turns.filter(
      (t) =>
        !/\p{Script=Han}/u.test(t.text) ||
        !(t.asr_confidence > 0 && t.asr_confidence <= 1) ||
        !(t.prosody.speech_s > 0),
    );
    expect(wrong).toEqual([]);
    // Several phrasings per act.
    expect(new Set(turns.map((t) => t.text)).size).toBeGreaterThan(3);
  });

  it('names, in the customer zone, the hour of callbackAt, and the platform reads the same time', () => {
    const extract = createSlotExtractor(DEFAULT_COMPETITORS);
    const callbacks = heard.flatMap((h) =>
      h.turns.filter((t) => t.act === 'callback').map((t) => ({ ...h, turn: t })),
    );
    expect(callbacks.length).toBeGreaterThan(50);
    const PART_HOURS: Record<string, number> = {
      早上: 0,
      上午: 0,
      中午: 12,
      下午: 12,
      傍晚: 12,
      晚上: 12,
    };
    const NUM = ['', '一', '两', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];
    for (const { turn, customer, atMs } of callbacks) {
      const m = /(早上|上午|中午|下午|傍晚|晚上)(十[一二]?|[一两三四五六七八九])点(半)?/.exec(
        turn.text,
      );
      expect(m, turn.text).not.toBeNull();
      const h12 = NUM.indexOf(m![2]!);
      const hour = m![1] === '中午' && h12 === 12 ? 12 : h12 + PART_HOURS[m![1]!]!;
      const local = localTime(customer.timeZone, turn.callbackAt!);
      expect(local.hour, turn.text).toBe(hour);
      expect(local.minute, turn.text).toBe(m![3] ? 30 : 0);
      expect(turn.callbackAt!).toBeGreaterThan(atMs);
      const slot = extract(turn.text, { nowMs: atMs, timeZone: customer.timeZone }).callbackAt;
      expect(slot, turn.text).toEqual({
        from: new Date(turn.callbackAt!).toISOString(),
        to: new Date(turn.callbackAt!).toISOString(),
      });
    }
  });

  it('ends the call after an opt-out or a complaint', () => {
    for (const act of ['opt_out', 'complaint'] as const) {
      const ended = heard.filter((h) => h.turns.some((t) => t.act === act));
      expect(ended.length).toBeGreaterThan(5);
      for (const h of ended) {
        expect(h.turns.at(-1)!.act).toBe(act);
        expect(h.hungUp).toBe(true);
      }
    }
  });

  it('sounds heated when complaining: higher, faster and louder than when greeting', () => {
    const ratio = (act: CustomerAct) =>
      mean(
        heard.flatMap((h) =>
          h.turns.filter((t) => t.act === act).map((t) => t.prosody.pitch_hz / h.customer.voiceHz),
        ),
      );
    expect(ratio('complaint')).toBeGreaterThan(1.25 * ratio('greet'));
    const rate = (act: CustomerAct) => mean(turnsOf(act).map((t) => t.prosody.rate_sps));
    const energy = (act: CustomerAct) => mean(turnsOf(act).map((t) => t.prosody.energy_db));
    expect(rate('complaint')).toBeGreaterThan(rate('greet') + 1);
    expect(energy('complaint')).toBeGreaterThan(energy('greet') + 4);
  });

  it('is mostly not a line of the training corpus', () => {
    const norm = (s: string) => s.replace(/[\s，。？！,.?!]/g, '');
    const corpus = new Set<string>();
    for (const f of readdirSync('datasets/telesales').filter((f) => f.endsWith('.jsonl'))) {
      for (const row of readFileSync(`datasets/telesales/${f}`, 'utf8').split('\n')) {
        if (row) corpus.add(norm(JSON.parse(row).text));
      }
    }
    const texts = heard.flatMap((h) => h.turns.map((t) => norm(t.text)));
    expect(texts.filter((t) => corpus.has(t)).length / texts.length).toBeLessThan(0.05);
  });
});

describe('the recogniser', () => {
  it('garbles more and is less sure of itself on a noisier line', () => {
    const lines = ['hesitate', 'objection_price', 'interested', 'opt_out'].flatMap((k) =>
      phrasesOf(k as 'hesitate'),
    );
    const run = (noise: number) => {
      const rng = seeded(5);
      const out = lines.flatMap((text) =>
        Array.from({ length: 20 }, () => ({ said: text, ...recognise([{ text }], noise, rng) })),
      );
      return {
        confidence: mean(out.map((o) => o.confidence)),
        // The share rendered exactly as said.
        verbatim: mean(out.map((o) => (o.text === o.said ? 1 : 0))),
      };
    };
    const clean = run(0);
    const noisy = run(0.9);
    expect(clean.verbatim).toBeGreaterThan(0.85);
    expect(noisy.verbatim).toBeLessThan(0.4);
    expect(noisy.confidence).toBeLessThan(clean.confidence - 0.25);
  });

  it('keeps a protected stretch whole, however noisy the line', () => {
    const rng = seeded(2);
    for (let i = 0; i < 50; i++) {
      const r = recognise(
        [{ text: '要不' }, { text: '明天上午十点', keep: true }, { text: '再打吧' }],
        1,
        rng,
      );
      expect(r.text).toContain('明天上午十点');
    }
  });
});
