import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, parseEvent } from '../../src/core/events/index.js';
import { eventFixtures } from '../helpers/fixtures.js';

const fixtures = eventFixtures();
const fixture = (type: string): Record<string, unknown> => structuredClone(fixtures.get(type)!);

describe('event schemas v1', () => {
  it('has a recorded fixture for every event type', () => {
    expect([...fixtures.keys()].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each([...fixtures.keys()])('accepts the %s fixture', (type) => {
    const r = parseEvent(JSON.stringify(fixtures.get(type)));
    expect(r.ok, r.ok ? '' : r.reason).toBe(true);
  });

  const broken: [string, () => unknown, RegExp][] = [
    ['malformed JSON', () => '{"type": "call.started",', /malformed JSON/],
    ['a JSON array', () => '[1,2]', /must be a JSON object/],
    [
      'unknown type',
      () => ({ ...fixture('call.answered'), type: 'call.teleported' }),
      /unknown event type "call.teleported"/,
    ],
    [
      'wrong schema version',
      () => ({ ...fixture('call.answered'), schema_version: 2 }),
      /unsupported schema_version 2/,
    ],
    [
      'missing customer',
      () => {
        const e = fixture('call.started');
        delete e.customer_id;
        return e;
      },
      /customer_id/,
    ],
    ['bad outcome', () => ({ ...fixture('call.ended'), outcome: 'maybe' }), /outcome/],
    ['negative duration', () => ({ ...fixture('call.ended'), duration_s: -1 }), /duration_s/],
    [
      'timestamp without zone',
      () => ({ ...fixture('web.visit'), ts: '2026-11-20 08:55:13' }),
      /ts/,
    ],
    [
      'ASR confidence above 1',
      () => ({ ...fixture('dialog.turn'), asr_confidence: 1.5 }),
      /asr_confidence/,
    ],
    ['unexpected field', () => ({ ...fixture('call.answered'), surprise: true }), /surprise/],
    [
      'bad phone',
      () => {
        const e = fixture('customer.updated');
        (e.fields as Record<string, unknown>).phone = 'call me';
        return e;
      },
      /fields\.phone/,
    ],
  ];

  it.each(broken)('rejects %s with a reason that names the problem', (_name, make, reason) => {
    const raw = make();
    const r = parseEvent(typeof raw === 'string' ? raw : JSON.stringify(raw));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('reports every bad field at once', () => {
    const r = parseEvent({ ...fixture('call.started'), region: '', handled_by: 'robot' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/region/);
      expect(r.reason).toMatch(/handled_by/);
    }
  });
});
