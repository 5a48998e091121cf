import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { GenerationCache, type GateVerdict } from '../../src/models/generation/index.js';

const OK: GateVerdict = { ok: true };
const key = (node: string, intent = 'ask_price', factIds = ['kb:fees#1', 'kb:terms#3']) => ({
  node,
  intent,
  factIds,
});

describe('GenerationCache', () => {
  it('answers a repeated question, the facts in any order, and misses on any part that differs', () => {
    const cache = new GenerationCache({ clock: manualClock(0) });
    expect(cache.get(key('ask_terms'))).toBeUndefined();
    expect(cache.set(key('ask_terms'), '手续费是0.5%。', OK)).toBe(true);
    expect(cache.get(key('ask_terms', 'ask_price', ['kb:terms#3', 'kb:fees#1']))).toBe(
      '手续费是0.5%。',
    );
    expect(cache.get(key('ask_details'))).toBeUndefined();
    expect(cache.get(key('ask_terms', 'objection_price'))).toBeUndefined();
    expect(cache.get(key('ask_terms', 'ask_price', ['kb:fees#1']))).toBeUndefined();
    expect(cache.get(key('ask_terms', 'ask_price', ['kb:fees#1', 'kb:terms#4']))).toBeUndefined();
    expect(cache.stats).toEqual({ hits: 1, misses: 5, size: 1 });
  });

  it('keeps no line the gate blocked', () => {
    const cache = new GenerationCache({ clock: manualClock(0) });
    const blocked: GateVerdict = {
      ok: false,
      rule: 'compliance',
      detail: 'absolute_wording: 保证',
    };
    expect(cache.set(key('ask_terms'), '保证收益。', blocked)).toBe(false);
    expect(cache.get(key('ask_terms'))).toBeUndefined();
    expect(cache.stats.size).toBe(0);
  });

  it('forgets a line once its time to live has passed on the clock', () => {
    const clock = manualClock(1_000);
    const cache = new GenerationCache({ clock, ttlMs: 60_000 });
    cache.set(key('ask_terms'), '封闭期12个月。', OK);
    clock.advance(59_999);
    expect(cache.get(key('ask_terms'))).toBe('封闭期12个月。');
    clock.advance(1);
    expect(cache.get(key('ask_terms'))).toBeUndefined();
    expect(cache.stats.size).toBe(0);
    // Stored again, it lives a full period from then.
    cache.set(key('ask_terms'), '封闭期12个月。', OK);
    clock.advance(59_999);
    expect(cache.get(key('ask_terms'))).toBe('封闭期12个月。');
  });

  it('drops the least recently used line past its bound', () => {
    const cache = new GenerationCache({ clock: manualClock(0), maxEntries: 2 });
    cache.set(key('a'), 'A', OK);
    cache.set(key('b'), 'B', OK);
    expect(cache.get(key('a'))).toBe('A'); // a is now the most recent
    cache.set(key('c'), 'C', OK);
    expect(cache.stats.size).toBe(2);
    expect(cache.get(key('b'))).toBeUndefined();
    expect(cache.get(key('a'))).toBe('A');
    expect(cache.get(key('c'))).toBe('C');
    // Storing a key again replaces its line and makes it the most recent.
    cache.set(key('a'), 'A2', OK);
    cache.set(key('d'), 'D', OK);
    expect(cache.get(key('a'))).toBe('A2');
    expect(cache.get(key('c'))).toBeUndefined();
  });

  it('keeps node, intent and ids apart however they are spelled', () => {
    const cache = new GenerationCache({ clock: manualClock(0) });
    cache.set({ node: 'a|b', intent: 'c', factIds: [] }, 'X', OK);
    expect(cache.get({ node: 'a', intent: 'b|c', factIds: [] })).toBeUndefined();
    expect(cache.get({ node: 'a|b', intent: 'c', factIds: [] })).toBe('X');
  });
});
