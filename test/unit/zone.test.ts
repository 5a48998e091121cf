import { describe, expect, it } from 'vitest';
import { canonical, formatter, wallOf } from '../../src/core/zone.js';

/** The wall clock as wallOf defines it, worked out afresh every time. */
function reference(ms: number, zone: string): number {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const p: Record<string, number> = {};
  for (const { type, value } of f.formatToParts(ms)) p[type] = Number(value);
  return Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second) + (ms % 1000);
}

describe('time zones', () => {
  it('gives the same wall clock from its per-second memory, across DST changes too', () => {
    const instants = [
      // Europe/London and America/Los_Angeles spring forward, Lord Howe's 30-minute shift.
      Date.parse('2026-03-29T01:00:00Z'),
      Date.parse('2026-03-08T10:00:00Z'),
      Date.parse('2026-04-04T15:00:00Z'),
      Date.parse('2026-12-06T13:38:27.512Z'),
    ];
    for (const zone of [
      'Asia/Shanghai',
      'Europe/London',
      'America/Los_Angeles',
      'Australia/Lord_Howe',
    ])
      for (const at of instants)
        for (let ms = at - 3_000; ms <= at + 3_000; ms += 125)
          expect(wallOf(ms, formatter(zone)!)).toBe(reference(ms, zone));
  });

  it('names a zone canonically, and an unknown one not at all', () => {
    expect(canonical('Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(canonical('asia/shanghai')).toBe('Asia/Shanghai');
    expect(canonical('asia/shanghai')).toBe('Asia/Shanghai');
    expect(canonical('Mars/Olympus')).toBeUndefined();
  });
});
