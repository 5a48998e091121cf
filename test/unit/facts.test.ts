import { describe, expect, it } from 'vitest';
import { parseEvent, type DialwiseEvent } from '../../src/core/events/index.js';
import { foldFacts } from '../../src/pipelines/facts.js';
import { eventFixtures } from '../helpers/fixtures.js';

const fx = eventFixtures();
const ev = (type: string, patch: Record<string, unknown> = {}): DialwiseEvent => {
  const r = parseEvent({ ...fx.get(type), ...patch });
  if (!r.ok) throw new Error(r.reason);
  return r.event;
};

describe('foldFacts', () => {
  it('builds one call row from its events in any arrival order', () => {
    const events = [ev('call.ended'), ev('call.answered'), ev('call.started')];
    const row = foldFacts(events).calls.get('call-20261120-0001');
    expect(row).toMatchObject({
      region: 'east',
      script_version: 'v2',
      answered: true,
      outcome: 'interested',
      duration_s: 233.4,
      started_at: '2026-11-20T09:15:02.120+08:00',
    });
  });

  it('counts profile deltas and keeps the latest contact time', () => {
    const f = foldFacts([
      ev('call.started'),
      ev('call.started', {
        event_id: 'x-second-call-id',
        call_id: 'c2',
        ts: '2026-11-21T10:00:00Z',
      }),
      ev('call.answered'),
      ev('call.ended', { outcome: 'converted' }),
      ev('web.visit'),
    ]);
    expect(f.profiles.get('cust-000042')).toMatchObject({
      calls: 2,
      answered: 1,
      conversions: 1,
      web_visits: 1,
      last_call_at: '2026-11-21T10:00:00Z',
    });
  });

  it('applies CRM updates in event-time order and splits personal fields out', () => {
    const older = ev('customer.updated', {
      event_id: 'crm-old-000',
      ts: '2026-11-01T00:00:00Z',
      fields: { customer_tier: 'C', name: 'Old Name' },
    });
    const newer = ev('customer.updated');
    const p = foldFacts([newer, older]).profiles.get('cust-000042')!;
    expect(p.attributes).toMatchObject({
      customer_tier: 'A',
      industry: 'manufacturing',
      annual_revenue_wan: 3200,
    });
    expect(p.attributes).not.toHaveProperty('name');
    expect(p.attributes).not.toHaveProperty('phone');
    expect(p.name).toBe('王伟');
    expect(p.phone).toBe('+86 138 1234 5678');
  });

  it('records consent per scope', () => {
    expect(foldFacts([ev('consent.changed')]).profiles.get('cust-000077')!.consent).toEqual({
      call: false,
    });
  });
});
