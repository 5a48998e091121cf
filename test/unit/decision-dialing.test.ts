import { customerView, ledger, touchesAt } from '../helpers/decision.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { foldConsent } from '../../src/core/contact-record.js';
import { DialwiseError } from '../../src/core/errors.js';
import {
  eligibility,
  loadDialingRules,
  localTimeOf,
  mergeRankings,
  newAnswerModel,
  nextWindowStart,
  observe,
  pAnswer,
  parseDialingRules,
  rankNext,
  type DialingConfig,
} from '../../src/decision/dialing/index.js';
import type { IneligibleReason } from '../../src/core/events/index.js';
import type { CustomerView } from '../../src/decision/index.js';

const CONFIG = 'config/dialing.json';
const raw = JSON.parse(readFileSync(CONFIG, 'utf8')) as DialingConfig;
const rules = loadDialingRules(CONFIG);
const business = raw.segments.business!;

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

// Wed 2026-03-11 10:00 in Shanghai (UTC+8): inside the business morning window.
const NOW = Date.parse('2026-03-11T02:00:00Z');

/** An instant (epoch ms) as ISO, as nextWindowStart's answers are compared. */
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function customer(patch: Partial<CustomerView> = {}): CustomerView {
  return customerView({
    customerId: 'cust-000001',
    intentScore: 0.5,
    crm: { industry: 'software', timezone: 'Asia/Shanghai', region: 'east', customer_tier: 'A' },
    ...patch,
  });
}

const inZone = (timezone: string | number | null, industry = 'software') =>
  customer({ crm: { industry, timezone } });

/** ISO call start times `ms` before `now`, oldest first. */
const attemptsAgo = (nowMs: number, ...ms: number[]) =>
  ms.sort((a, b) => b - a).map((x) => new Date(nowMs - x).toISOString());

const localClock = (c: CustomerView, at: number) => {
  const t = localTimeOf(c, at, rules);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${t.date} ${['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][t.weekday]} ${pad(t.hour)}:${pad(t.minute)}`;
};

function failure(config: unknown): string {
  try {
    parseDialingRules(config);
  } catch (err) {
    expect(err).toBeInstanceOf(DialwiseError);
    expect((err as DialwiseError).code).toBe('CONFIG_INVALID');
    return (err as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('dialing config', () => {
  it('config/dialing.json parses; times become minutes after local midnight', () => {
    expect(rules.segments.business!.windows[0]).toEqual({
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      from: 540,
      to: 720,
    });
    expect(rules.campaigns.default!.cap).toEqual({ touches: 3, days: 7, perChannel: { call: 3 } });
  });

  const withBusiness = (patch: object) => ({
    ...raw,
    segments: { ...raw.segments, business: { ...business, ...patch } },
  });
  const window = (patch: object) =>
    withBusiness({ windows: [{ days: ['mon'], from: '09:00', to: '12:00', ...patch }] });

  it.each<[string, unknown, RegExp]>([
    ['an unknown key', { ...raw, extra: 1 }, /\(root\): Unrecognized key: "extra"/],
    [
      'a cap window over 7 days',
      {
        ...raw,
        campaigns: { default: { ...raw.campaigns.default!, cap: { touches: 3, days: 8 } } },
      },
      /campaigns\.default\.cap\.days: at most 7/,
    ],
    ['a bad clock time', window({ from: '25:00' }), /windows\.0\.from: must be a local time HH:MM/],
    [
      'a window closing before it opens',
      window({ to: '08:00' }),
      /windows\.0\.to: to must be after/,
    ],
    ['a bad day name', window({ days: ['monday'] }), /windows\.0\.days\.0: Invalid option/],
    [
      'a prior without 24 hours',
      withBusiness({ answerPrior: { ...business.answerPrior, weekday: [0.5] } }),
      /segments\.business\.answerPrior\.weekday: needs 24 answer rates/,
    ],
    [
      'a prior rate of 1',
      withBusiness({
        answerPrior: { ...business.answerPrior, weekend: Array(24).fill(1) },
      }),
      /segments\.business\.answerPrior\.weekend\.0: Too big/,
    ],
    ['an invalid default zone', { ...raw, timezone: 'Mars/Olympus' }, /timezone: must be an IANA/],
    [
      'an invalid holiday zone',
      { ...raw, holidays: { 'Mars/Olympus': [] } },
      /holidays\.Mars\/Olympus: key must be an IANA time zone/,
    ],
    [
      'an impossible holiday date',
      { ...raw, holidays: { 'Asia/Shanghai': ['2026-02-30'] } },
      /holidays\.Asia\/Shanghai\.0: Invalid ISO date/,
    ],
    [
      'an industry in an unknown segment',
      { ...raw, industries: { retail: 'shops' } },
      /industries\.retail: unknown segment "shops"/,
    ],
    [
      'an industry not in lower case',
      { ...raw, industries: { Retail: 'consumer' } },
      /industries\.Retail: use lower case/,
    ],
    ['an unknown default segment', { ...raw, defaultSegment: 'b2b' }, /defaultSegment: unknown/],
    [
      'a consent policy other than opt-in/opt-out',
      { ...raw, campaigns: { default: { ...raw.campaigns.default!, policy: 'maybe' } } },
      /campaigns\.default\.policy: Invalid option/,
    ],
    [
      'no default campaign',
      { ...raw, campaigns: { other: raw.campaigns.default! } },
      /campaigns: needs a "default" campaign/,
    ],
    [
      'message hours closing before they open',
      {
        ...raw,
        campaigns: {
          default: { ...raw.campaigns.default!, messageHours: { from: '21:00', to: '08:00' } },
        },
      },
      /campaigns\.default\.messageHours\.to: to must be after from/,
    ],
    [
      'a starting ratio out of bounds',
      { ...raw, pacing: { ...raw.pacing, initialRatio: 5 } },
      /pacing\.initialRatio: need minRatio <= initialRatio <= maxRatio/,
    ],
  ])('rejects %s with its path', (_name, config, message) => {
    expect(failure(config)).toMatch(message);
  });

  it('reports a missing file as CONFIG_INVALID', () => {
    expect(() => loadDialingRules('config/no-such-dialing.json')).toThrow(/cannot read/);
  });
});

describe('frequency cap: at most 3 attempts per rolling 7 days', () => {
  it.each<[string, boolean, (number | string)[]]>([
    ['2 attempts', true, [H, 2 * D]],
    ['3 attempts', false, [H, 2 * D, 5 * D]],
    ['4 attempts', false, [H, D, 2 * D, 5 * D]],
    ['3, the oldest 6d23h59m ago (still counts)', false, [H, D, 7 * D - M]],
    ['3, the oldest 7d00h00m ago exactly (no longer counts)', true, [H, D, 7 * D]],
    ['3, the oldest 8 days ago', true, [H, D, 8 * D]],
    ['2 and an unreadable time (counts, fail closed)', false, [H, D, 'yesterday']],
  ])('%s → eligible %s', (_name, ok, ages) => {
    const touches = touchesAt(
      ages.map((a) => (typeof a === 'string' ? a : new Date(NOW - a).toISOString())),
    );
    const e = eligibility(customer({ touches }), NOW, rules);
    expect(e.ok).toBe(ok);
    if (!e.ok) expect(e.reason).toBe('frequency_cap');
  });

  it('says when the cap frees up, and nextWindowStart waits for it', () => {
    const c = customer({ touches: touchesAt(attemptsAgo(NOW, H, D, 7 * D - M)) });
    const e = eligibility(c, NOW, rules);
    expect(e).toEqual({
      ok: false,
      reason: 'frequency_cap',
      detail: expect.stringContaining(
        '3 touches in the last 7 days (limit 3); the cap frees up at 2026-03-11T02:01:00.000Z',
      ),
    });
    // At 10:01 Shanghai the oldest attempt is exactly 7 days old: free, and inside the window.
    expect(iso(nextWindowStart(c, NOW, rules))).toBe('2026-03-11T02:01:00.000Z');
    expect(eligibility(c, NOW + M, rules)).toEqual({ ok: true });
  });

  it('an unreadable attempt time counts and never ages out', () => {
    const twoAndBad = customer({ touches: touchesAt([...attemptsAgo(NOW, H, D), 'not a time']) });
    // Free once the attempt of a day ago is 7 days old: Tue 10:00 Shanghai.
    expect(iso(nextWindowStart(twoAndBad, NOW, rules))).toBe('2026-03-17T02:00:00.000Z');
    const allBad = customer({ touches: touchesAt(['x', 'y', 'z']) });
    expect(eligibility(allBad, NOW, rules)).toMatchObject({
      reason: 'frequency_cap',
      detail: expect.stringContaining('the cap frees up at never'),
    });
    expect(nextWindowStart(allBad, NOW, rules)).toBeNull();
  });
});

describe('calling windows in the customer time zone', () => {
  it.each<[string, string, string, string, boolean]>([
    // The same instants, two zones.
    ['2026-03-11T02:00:00Z', 'Asia/Shanghai', 'software', '2026-03-11 wed 10:00', true],
    ['2026-03-11T02:00:00Z', 'America/New_York', 'software', '2026-03-10 tue 22:00', false],
    ['2026-03-11T14:00:00Z', 'Asia/Shanghai', 'software', '2026-03-11 wed 22:00', false],
    ['2026-03-11T14:00:00Z', 'America/New_York', 'software', '2026-03-11 wed 10:00', true],
    // Window edges: from is inclusive, to exclusive.
    ['2026-03-11T00:59:00Z', 'Asia/Shanghai', 'software', '2026-03-11 wed 08:59', false],
    ['2026-03-11T01:00:00Z', 'Asia/Shanghai', 'software', '2026-03-11 wed 09:00', true],
    ['2026-03-11T03:59:00Z', 'Asia/Shanghai', 'software', '2026-03-11 wed 11:59', true],
    ['2026-03-11T04:00:00Z', 'Asia/Shanghai', 'software', '2026-03-11 wed 12:00', false],
    ['2026-03-11T05:30:00Z', 'Asia/Shanghai', 'software', '2026-03-11 wed 13:30', false],
    // Consumers also take evening and Saturday calls; nobody on Sunday.
    ['2026-03-11T12:00:00Z', 'Asia/Shanghai', 'retail', '2026-03-11 wed 20:00', true],
    ['2026-03-11T12:00:00Z', 'Asia/Shanghai', 'software', '2026-03-11 wed 20:00', false],
    ['2026-03-14T03:00:00Z', 'Asia/Shanghai', 'retail', '2026-03-14 sat 11:00', true],
    ['2026-03-14T03:00:00Z', 'Asia/Shanghai', 'software', '2026-03-14 sat 11:00', false],
    ['2026-03-15T03:00:00Z', 'Asia/Shanghai', 'retail', '2026-03-15 sun 11:00', false],
    // An industry the rules do not name gets the default (business) windows.
    ['2026-03-11T12:00:00Z', 'Asia/Shanghai', 'aerospace', '2026-03-11 wed 20:00', false],
    // New York changes clocks on Sun 2026-03-08 (EST → EDT) and Sun 2026-11-01 (back).
    ['2026-03-06T13:30:00Z', 'America/New_York', 'software', '2026-03-06 fri 08:30', false],
    ['2026-03-09T13:30:00Z', 'America/New_York', 'software', '2026-03-09 mon 09:30', true],
    ['2026-10-30T13:30:00Z', 'America/New_York', 'software', '2026-10-30 fri 09:30', true],
    ['2026-11-02T13:30:00Z', 'America/New_York', 'software', '2026-11-02 mon 08:30', false],
    ['2026-11-02T14:00:00Z', 'America/New_York', 'software', '2026-11-02 mon 09:00', true],
  ])('%s %s %s is %s local → open %s', (at, zone, industry, local, ok) => {
    const c = inZone(zone, industry);
    expect(localClock(c, Date.parse(at))).toBe(local);
    const e = eligibility(c, Date.parse(at), rules);
    expect(e.ok).toBe(ok);
    if (!e.ok) expect(e.reason).toBe('outside_window');
  });

  it.each<[string, CustomerView['crm']]>([
    ['an unknown zone name', { industry: 'software', timezone: 'Mars/Olympus' }],
    ['an empty zone', { industry: 'software', timezone: '' }],
    ['a number', { industry: 'software', timezone: 8 }],
    ['null', { industry: 'software', timezone: null }],
    ['no timezone field', { industry: 'software' }],
  ])('%s falls back to the default zone (Asia/Shanghai)', (_name, crm) => {
    const c = customer({ crm });
    expect(localTimeOf(c, NOW, rules).timeZone).toBe('Asia/Shanghai');
    expect(eligibility(c, NOW, rules)).toEqual({ ok: true });
    // 14:00Z is 10:00 in New York but 22:00 in Shanghai.
    const e = eligibility(c, Date.parse('2026-03-11T14:00:00Z'), rules);
    expect(e).toMatchObject({ ok: false, reason: 'outside_window' });
    if (!e.ok) expect(e.detail).toContain('22:00 Asia/Shanghai');
  });

  it('names the unusable zone in the detail', () => {
    const e = eligibility(inZone('Mars/Olympus'), Date.parse('2026-03-11T14:00:00Z'), rules);
    if (e.ok) throw new Error('expected outside_window');
    expect(e.detail).toBe(
      '2026-03-11 (wed) 22:00 Asia/Shanghai: outside the business calling windows (crm timezone "Mars/Olympus" unusable)',
    );
  });

  it('accepts zone aliases and any case', () => {
    expect(localClock(inZone('us/eastern'), NOW)).toBe('2026-03-10 tue 22:00');
    expect(localTimeOf(inZone('america/new_york'), NOW, rules).timeZone).toBe('America/New_York');
  });

  it('skips public holidays of the customer zone', () => {
    // Thu 2026-10-01 10:00 Shanghai (National Day) and 22:00 the day before in New York.
    const at = Date.parse('2026-10-01T02:00:00Z');
    expect(eligibility(inZone('Asia/Shanghai'), at, rules)).toEqual({
      ok: false,
      reason: 'outside_window',
      detail: '2026-10-01 (thu) 10:00 Asia/Shanghai: public holiday',
    });
    const ny = Date.parse('2026-10-01T14:00:00Z');
    expect(eligibility(inZone('America/New_York'), ny, rules)).toEqual({ ok: true });
    // Holiday keys resolve like customer zones do.
    const aliased = parseDialingRules({ ...raw, holidays: { 'us/eastern': ['2026-10-01'] } });
    expect(eligibility(inZone('America/New_York'), ny, aliased).ok).toBe(false);
  });

  it.each<[string, CustomerView, string, string]>([
    ['open now', inZone('Asia/Shanghai'), '2026-03-11T02:00:00Z', '2026-03-11T02:00:00Z'],
    ['lunch → 14:00', inZone('Asia/Shanghai'), '2026-03-11T05:00:00Z', '2026-03-11T06:00:00Z'],
    ['evening → 09:00', inZone('Asia/Shanghai'), '2026-03-11T12:00:00Z', '2026-03-12T01:00:00Z'],
    [
      'Friday night → Monday',
      inZone('Asia/Shanghai'),
      '2026-03-13T12:00:00Z',
      '2026-03-16T01:00:00Z',
    ],
    [
      'Friday night consumer → Saturday 10:00',
      inZone('Asia/Shanghai', 'retail'),
      '2026-03-13T14:00:00Z',
      '2026-03-14T02:00:00Z',
    ],
    [
      'over the National Day holidays',
      inZone('Asia/Shanghai'),
      '2026-09-30T12:00:00Z',
      '2026-10-08T01:00:00Z',
    ],
    // Fri 19:00 EST → Mon 09:00 EDT; Fri 19:00 EDT → Mon 09:00 EST.
    [
      'NY spring DST weekend',
      inZone('America/New_York'),
      '2026-03-07T00:00:00Z',
      '2026-03-09T13:00:00Z',
    ],
    [
      'NY autumn DST weekend',
      inZone('America/New_York'),
      '2026-10-30T23:00:00Z',
      '2026-11-02T14:00:00Z',
    ],
  ])('nextWindowStart: %s', (_name, c, now, expected) => {
    const at = nextWindowStart(c, Date.parse(now), rules);
    expect(iso(at)).toBe(new Date(expected).toISOString());
    expect(eligibility(c, at!, rules)).toEqual({ ok: true });
    if (at! > Date.parse(now)) {
      expect(eligibility(c, at! - M, rules).ok).toBe(false);
    }
  });

  describe('on the DST change days themselves (Sunday windows)', () => {
    const sunday = parseDialingRules({
      ...raw,
      industries: {},
      segments: {
        business: {
          ...business,
          windows: [
            { days: ['sun'], from: '02:30', to: '04:00' },
            { days: ['sun'], from: '09:00', to: '12:00' },
          ],
        },
      },
    });
    const ny = inZone('America/New_York');

    it.each<[string, boolean]>([
      ['2026-03-08T06:59:00Z', false], // 01:59 EST; 02:00–03:00 never happens
      ['2026-03-08T07:00:00Z', true], // 03:00 EDT
      ['2026-03-08T12:59:00Z', false], // 08:59 EDT
      ['2026-03-08T13:00:00Z', true], // 09:00 EDT
      ['2026-11-01T13:30:00Z', false], // 08:30 EST (09:30 by the old offset)
      ['2026-11-01T14:00:00Z', true], // 09:00 EST
    ])('%s → open %s', (at, ok) => {
      expect(eligibility(ny, Date.parse(at), sunday).ok).toBe(ok);
    });

    it.each<[string, string]>([
      // 02:30 does not exist on 2026-03-08: the window opens when clocks jump to 03:00 EDT.
      ['2026-03-08T05:00:00Z', '2026-03-08T07:00:00Z'],
      ['2026-03-08T08:00:00Z', '2026-03-08T13:00:00Z'],
      // 02:30 comes once, after the repeated 01:00–02:00 hour: 02:30 EST.
      ['2026-11-01T04:00:00Z', '2026-11-01T07:30:00Z'],
      ['2026-11-01T09:00:00Z', '2026-11-01T14:00:00Z'],
    ])('nextWindowStart from %s is %s', (now, expected) => {
      expect(iso(nextWindowStart(ny, Date.parse(now), sunday))).toBe(
        new Date(expected).toISOString(),
      );
    });
  });
});

describe('do-not-call and consent', () => {
  const recent3 = touchesAt(attemptsAgo(NOW, H, D, 2 * D));

  it.each<[string, Partial<CustomerView>, IneligibleReason]>([
    ['do-not-call', { doNotCall: true }, 'do_not_call'],
    [
      'on the do-not-call register',
      { dncListed: { source: 'gov', listed_on: '2026-01-02' } },
      'do_not_call',
    ],
    ['call scope refused', { consent: ledger({ call: false }) }, 'consent_refused'],
    ['all scope refused', { consent: ledger({ all: false }) }, 'consent_refused'],
    [
      'calls granted but all refused at the same time (the refusal wins)',
      { consent: ledger({ call: true, all: false }) },
      'consent_refused',
    ],
    [
      'do-not-call before consent',
      { doNotCall: true, consent: ledger({ call: false }) },
      'do_not_call',
    ],
    [
      'consent before the cap',
      { consent: ledger({ call: false }), touches: recent3 },
      'consent_refused',
    ],
    [
      'the cap before the window',
      { touches: recent3, crm: { industry: 'software', timezone: 'America/New_York' } },
      'frequency_cap',
    ],
  ])('%s: never eligible, whatever the score', (_name, patch, reason) => {
    const c = customer({ intentScore: 1, ...patch });
    expect(eligibility(c, NOW, rules)).toMatchObject({ ok: false, reason });
    const model = newAnswerModel(rules);
    expect(rankNext([c], NOW, rules, model, 10)).toMatchObject({
      next: [],
      skipped: { [reason]: 1 },
    });
    if (reason === 'do_not_call' || reason === 'consent_refused') {
      expect(nextWindowStart(c, NOW, rules)).toBeNull();
    }
  });

  it('consent for other channels does not matter', () => {
    const c = customer({ consent: ledger({ sms: false, email: false, wechat: false }) });
    expect(eligibility(c, NOW, rules)).toEqual({ ok: true });
  });

  it.each<['opt-in' | 'opt-out', Partial<Record<'call' | 'email' | 'all', boolean>>, boolean]>([
    ['opt-out', {}, true],
    ['opt-in', {}, false],
    ['opt-in', { email: true }, false],
    ['opt-in', { call: true }, true],
    ['opt-in', { all: true }, true],
  ])('unknown consent under policy %s with %j → eligible %s', (policy, scopes, ok) => {
    const campaigns = { default: { ...raw.campaigns.default!, policy } };
    const r = parseDialingRules({ ...raw, campaigns });
    const e = eligibility(customer({ consent: ledger(scopes) }), NOW, r);
    expect(e.ok).toBe(ok);
    if (!e.ok) expect(e.reason).toBe('no_consent');
  });

  it('a withdrawal takes effect on the very next decision', () => {
    const before = customer({
      customerId: 'c1',
      intentScore: 0.9,
      consent: ledger({ call: true }),
    });
    const model = newAnswerModel(rules);
    expect(eligibility(before, NOW, rules)).toEqual({ ok: true });
    expect(rankNext([before], NOW, rules, model, 1).next.map((r) => r.customerId)).toEqual(['c1']);
    const withdrawn = {
      scope: 'call' as const,
      granted: false,
      ts: '2026-03-01T00:00:00Z',
      event_id: 'w1',
    };
    const after = { ...before, consent: foldConsent(before.consent, withdrawn) };
    expect(eligibility(after, NOW, rules)).toEqual({
      ok: false,
      reason: 'consent_withdrawn',
      detail: 'marketing call: withdrawn at 2026-03-01T00:00:00Z (event w1)',
    });
    expect(rankNext([after], NOW, rules, model, 1)).toMatchObject({
      next: [],
      skipped: { consent_withdrawn: 1 },
    });
  });
});

describe('rankNext deferral', () => {
  it('leaves a customer whose hour is poor for their best hour ahead today, and counts them', () => {
    const model = newAnswerModel(rules);
    const retail = customer({
      customerId: 'retail-1',
      intentScore: 0.5,
      crm: { industry: 'retail', timezone: 'Asia/Shanghai' },
    });
    const soft = customer({ customerId: 'soft-1', intentScore: 0.5 });
    // Wed 10:00 local: the consumer prior (0.25) is well below its evening hours; business is at its best.
    const r = rankNext([retail, soft], NOW, { ...rules, deferBelow: 0.7 }, model, 10);
    expect(r.next.map((x) => x.customerId)).toEqual(['soft-1']);
    expect(r.deferred).toBe(1);
    const all = rankNext([retail, soft], NOW, { ...rules, deferBelow: undefined }, model, 10);
    expect(all.next).toHaveLength(2);
    expect(all.deferred).toBe(0);
  });
});

describe('rankNext and a callback still ahead', () => {
  it('does not call a customer before the time they asked to be called back', () => {
    const model = newAnswerModel(rules);
    const at = (ms: number) => new Date(ms).toISOString();
    const waiting = customer({
      customerId: 'waiting',
      intentScore: 0.9,
      callback: {
        event_id: 'cb-1',
        at: at(NOW + 5 * H),
        source: 'customer',
        call_id: 'k1',
        set_at: at(NOW - H),
      },
    });
    const r = rankNext([waiting], NOW, { ...rules, deferBelow: undefined }, model, 10);
    expect(r.next).toEqual([]);
    expect(r.deferred).toBe(1);
    const due = rankNext([waiting], NOW + 5 * H, { ...rules, deferBelow: undefined }, model, 10);
    expect(due.next[0]).toMatchObject({ customerId: 'waiting', reason: 'callback' });
  });
});

describe('rankNext and a customer just called', () => {
  const model = newAnswerModel(rules);
  const spaced = { ...rules, deferBelow: undefined, redialAfterMinutes: 60 };
  const at = (ms: number) => new Date(ms).toISOString();

  it('does not offer anyone called in the last redialAfterMinutes, on a call now included', () => {
    const onCall = customer({
      customerId: 'on-call',
      intentScore: 0.9,
      touches: touchesAt([at(NOW)]),
    });
    const earlier = customer({
      customerId: 'earlier',
      intentScore: 0.9,
      touches: touchesAt([at(NOW - 61 * 60_000)]),
    });
    const r = rankNext([onCall, earlier], NOW, spaced, model, 10);
    expect(r.next.map((x) => x.customerId)).toEqual(['earlier']);
    expect(r.deferred).toBe(1);
    const unspaced = rankNext(
      [onCall, earlier],
      NOW,
      { ...spaced, redialAfterMinutes: 0 },
      model,
      10,
    );
    expect(unspaced.next).toHaveLength(2);
  });

  it('still offers a callback that is due, however recent the call that set it', () => {
    const asked = customer({
      customerId: 'asked',
      intentScore: 0.5,
      touches: touchesAt([at(NOW - 10 * 60_000)]),
      callback: {
        event_id: 'cb',
        at: at(NOW),
        source: 'customer',
        call_id: 'k',
        set_at: at(NOW - 10 * 60_000),
      },
    });
    const r = rankNext([asked], NOW, spaced, model, 10);
    expect(r.next[0]).toMatchObject({ customerId: 'asked', reason: 'callback' });
  });
});

describe('rankNext', () => {
  const model = newAnswerModel(rules);
  const c = (customerId: string, intentScore: number, patch: Partial<CustomerView> = {}) =>
    customer({ customerId, intentScore, ...patch });
  const candidates = [
    c('retail-05', 0.5, { crm: { industry: 'retail', timezone: 'Asia/Shanghai' } }),
    c('soft-03', 0.3),
    c('soft-09-tried', 0.9, { touches: touchesAt(attemptsAgo(NOW, D)) }),
    c('soft-09', 0.9),
    c('dnc', 1, { doNotCall: true }),
    c('revoked', 1, { consent: ledger({ call: false }) }),
    c('capped', 1, { touches: touchesAt(attemptsAgo(NOW, H, D, 2 * D)) }),
    c('new-york', 1, { crm: { industry: 'software', timezone: 'America/New_York' } }),
  ];

  // Without deferral: every eligible customer is ranked now.
  const now = { ...rules, deferBelow: undefined };

  it('ranks eligible customers by intentScore × pAnswer, fewer attempts first on ties', () => {
    const { next, skipped } = rankNext(candidates, NOW, now, model, 10);
    // Wed 10:00 local: business prior 0.45, consumer 0.25.
    expect(next).toEqual(
      [
        { customerId: 'soft-09', score: expect.closeTo(0.405, 9), pAnswer: 0.45, intentScore: 0.9 },
        {
          customerId: 'soft-09-tried',
          score: expect.closeTo(0.405, 9),
          pAnswer: 0.45,
          intentScore: 0.9,
        },
        { customerId: 'soft-03', score: expect.closeTo(0.135, 9), pAnswer: 0.45, intentScore: 0.3 },
        {
          customerId: 'retail-05',
          score: expect.closeTo(0.125, 9),
          pAnswer: 0.25,
          intentScore: 0.5,
        },
      ].map((r) => ({ ...r, reason: 'score' })),
    );
    expect(skipped).toEqual({
      do_not_call: 1,
      consent_refused: 1,
      consent_withdrawn: 0,
      no_consent: 0,
      frequency_cap: 1,
      channel_cap: 0,
      outside_window: 1,
    });
  });

  it('returns at most limit', () => {
    expect(rankNext(candidates, NOW, rules, model, 2).next.map((r) => r.customerId)).toEqual([
      'soft-09',
      'soft-09-tried',
    ]);
    expect(rankNext(candidates, NOW, rules, model, 0).next).toEqual([]);
  });

  it('uses what the answer model learned', () => {
    let learned = model;
    const local = localTimeOf(candidates[0]!, NOW, rules);
    for (let i = 0; i < 80; i++) learned = observe(learned, 'retail', local, true);
    // retail now answers at (0.25·20 + 80) / 100 = 0.85: 0.5 × 0.85 beats 0.9 × 0.45.
    expect(rankNext(candidates, NOW, rules, learned, 1).next[0]).toMatchObject({
      customerId: 'retail-05',
      pAnswer: expect.closeTo(0.85, 9),
    });
  });
});

describe('mergeRankings (decision replicas, each ranking its own customers)', () => {
  const model = newAnswerModel(rules);
  const now = { ...rules, deferBelow: undefined };
  const c = (customerId: string, intentScore: number, patch: Partial<CustomerView> = {}) =>
    customer({ customerId, intentScore, ...patch });
  const all = [
    c('a-07', 0.7),
    c('a-dnc', 1, { doNotCall: true }),
    c('b-09', 0.9),
    c('b-02', 0.2),
    c('b-capped', 1, { touches: touchesAt(attemptsAgo(NOW, H, D, 2 * D)) }),
    c('a-03', 0.3),
  ];

  it('ranks as one replica would over all the customers, the counts added up', () => {
    const part = (prefix: string) =>
      rankNext(
        all.filter((x) => x.customerId.startsWith(prefix)),
        NOW,
        now,
        model,
        10,
      );
    const merged = mergeRankings([part('a-'), part('b-')], 3);
    const whole = rankNext(all, NOW, now, model, 3);
    expect(merged.next).toEqual(whole.next);
    expect(merged.next.map((r) => r.customerId)).toEqual(['b-09', 'a-07', 'a-03']);
    expect(merged.skipped).toEqual(whole.skipped);
    expect(merged.skips.map((s) => s.customer_id)).toEqual(['a-dnc', 'b-capped']);
  });
});

describe('answer model', () => {
  const model = newAnswerModel(rules);
  const wed = (hour: number) => ({ weekday: 3, hour });
  const sat = (hour: number) => ({ weekday: 6, hour });

  it.each<[string, string | null, { weekday: number; hour: number }, number]>([
    ['B2B weekday morning', 'software', wed(10), 0.45],
    ['B2B lunchtime', 'manufacturing', wed(12), 0.2],
    ['B2B evening', 'logistics', wed(20), 0.1],
    ['B2B Saturday', 'software', sat(10), 0.1],
    ['consumer weekday morning', 'retail', wed(10), 0.25],
    ['consumer evening', 'retail', wed(19), 0.45],
    ['consumer Saturday', 'retail', sat(11), 0.4],
    ['industry in another case', 'Retail ', wed(19), 0.45],
    ['unknown industry: default segment', 'aerospace', wed(10), 0.45],
    ['no industry: default segment', null, wed(20), 0.1],
  ])('prior: %s', (_name, industry, at, p) => {
    expect(pAnswer(model, industry, at)).toBeCloseTo(p, 12);
  });

  it('learns from observations, per industry and weekday/weekend × hour', () => {
    let m = model;
    for (let i = 0; i < 100; i++) m = observe(m, 'software', wed(10), true);
    for (let i = 0; i < 30; i++) m = observe(m, 'software', wed(20), false);
    expect(pAnswer(m, 'software', wed(10))).toBeCloseTo((0.45 * 20 + 100) / 120, 12);
    expect(pAnswer(m, 'software', { weekday: 1, hour: 10 })).toBeCloseTo((9 + 100) / 120, 12);
    expect(pAnswer(m, 'software', wed(20))).toBeCloseTo((0.1 * 20) / 50, 12);
    // Other cells keep their prior.
    expect(pAnswer(m, 'software', sat(10))).toBeCloseTo(0.1, 12);
    expect(pAnswer(m, 'healthcare', wed(10))).toBeCloseTo(0.45, 12);
    // The input model is untouched.
    expect(model.counts).toEqual({});
  });

  it('converges to the observed rate', () => {
    let m = model;
    for (let i = 0; i < 1000; i++) m = observe(m, 'retail', wed(19), i % 10 < 7);
    expect(pAnswer(m, 'retail', wed(19))).toBeCloseTo(0.7, 2);
  });

  it('is plain JSON; counts restore onto the rules priors', () => {
    const m = observe(observe(model, 'retail', wed(19), true), 'retail', wed(19), false);
    const copy = JSON.parse(JSON.stringify(m));
    expect(copy).toEqual(m);
    const restored = newAnswerModel(rules, copy.counts);
    expect(pAnswer(restored, 'retail', wed(19))).toBe(pAnswer(m, 'retail', wed(19)));
    expect(m.counts).toEqual({ 'retail|weekday|19': { answered: 1, unanswered: 1 } });
  });
});
