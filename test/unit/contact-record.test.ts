import { describe, expect, it } from 'vitest';
import {
  consentState,
  foldConsent,
  type ConsentChange,
  type ConsentLedger,
  type ConsentState,
} from '../../src/core/contact-record.js';
import type { Channel, Purpose } from '../../src/core/events/index.js';

const T = (day: number) => `2026-05-${String(day).padStart(2, '0')}T08:00:00Z`;
let seq = 0;
const change = (
  scope: Channel | 'all',
  granted: boolean,
  day: number,
  purpose?: Purpose,
): ConsentChange => ({ scope, granted, ts: T(day), event_id: `e${++seq}`, purpose });
const fold = (changes: readonly ConsentChange[]): ConsentLedger => changes.reduce(foldConsent, {});
const stateOf = (
  changes: readonly ConsentChange[],
  ch: Channel = 'sms',
  pu: Purpose = 'marketing',
) => consentState(fold(changes), ch, pu).state;

/** Every order of a list (lists here are short). */
function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) =>
    permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]),
  );
}

describe('consent ledger: every transition', () => {
  it.each<[string, ConsentChange[], ConsentState]>([
    ['nothing recorded', [], 'unknown'],
    ['unknown → granted', [change('sms', true, 1)], 'granted'],
    ['unknown → refused', [change('sms', false, 1)], 'refused'],
    ['granted → withdrawn', [change('sms', true, 1), change('sms', false, 2)], 'withdrawn'],
    ['refused → granted', [change('sms', false, 1), change('sms', true, 2)], 'granted'],
    ['refused → refused', [change('sms', false, 1), change('sms', false, 2)], 'refused'],
    ['granted → granted', [change('sms', true, 1), change('sms', true, 2)], 'granted'],
    [
      'withdrawn → granted again',
      [change('sms', true, 1), change('sms', false, 2), change('sms', true, 3)],
      'granted',
    ],
    [
      'refused, granted, refused: a withdrawal',
      [change('sms', false, 1), change('sms', true, 2), change('sms', false, 3)],
      'withdrawn',
    ],
    [
      'a refusal of all channels covers sms',
      [change('sms', true, 1), change('all', false, 2)],
      'withdrawn',
    ],
    [
      'a later grant of sms overrides an older all-refusal',
      [change('all', false, 1), change('sms', true, 2)],
      'granted',
    ],
    ['a refusal on another channel does not', [change('call', false, 1)], 'unknown'],
    [
      'a refusal without a purpose covers marketing',
      [change('sms', true, 1, 'marketing'), change('sms', false, 2)],
      'withdrawn',
    ],
    ['a service refusal leaves marketing alone', [change('sms', false, 1, 'service')], 'unknown'],
    [
      'grant and refusal at the same instant: the refusal wins',
      [change('sms', true, 4), change('sms', false, 4)],
      'refused',
    ],
  ])('%s → %s', (_name, changes, expected) => {
    expect(stateOf(changes)).toBe(expected);
  });

  it('names the deciding change: its time and event', () => {
    const changes = [change('sms', true, 1), change('all', false, 9)];
    const { mark } = consentState(fold(changes), 'sms', 'marketing');
    expect(mark).toMatchObject({ granted: false, ts: T(9), id: changes[1]!.event_id });
  });

  it('folding a change twice changes nothing', () => {
    const c = change('sms', false, 3);
    const once = fold([change('sms', true, 1), c]);
    expect(foldConsent(once, c)).toEqual(once);
  });

  it('a withdrawal on any channel covers all when the campaign says so', () => {
    const ledger = fold([change('call', true, 1), change('sms', false, 2)]);
    expect(consentState(ledger, 'call', 'marketing').state).toBe('granted');
    expect(consentState(ledger, 'call', 'marketing', true).state).toBe('withdrawn');
  });
});

describe('consent ledger: conflicting events in any order give the same state', () => {
  const sets: [string, ConsentChange[]][] = [
    [
      'grant, withdraw, grant',
      [change('sms', true, 1), change('sms', false, 2), change('sms', true, 3)],
    ],
    [
      'channel and all',
      [
        change('all', true, 1),
        change('sms', false, 2),
        change('all', false, 3),
        change('email', true, 4),
      ],
    ],
    ['ties', [change('sms', true, 5), change('sms', false, 5), change('all', true, 5)]],
    [
      'purposes',
      [
        change('sms', true, 1, 'service'),
        change('sms', false, 2, 'marketing'),
        change('all', true, 3),
      ],
    ],
  ];
  it.each(sets)('%s', (_name, changes) => {
    const expected = fold(changes);
    for (const order of permutations(changes)) {
      const got = fold(order);
      expect(got).toEqual(expected);
      for (const ch of ['call', 'sms', 'wechat', 'email'] as const)
        for (const pu of ['marketing', 'service'] as const)
          expect(consentState(got, ch, pu)).toEqual(consentState(expected, ch, pu));
    }
  });
});
