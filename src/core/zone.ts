/**
 * IANA time zones through Intl: one cached formatter per valid zone, the
 * zone's canonical name, and the wall clock at an instant. Shared by the
 * dialing rules (calling windows) and the slots (callback times).
 */

// One formatter per valid zone; an invalid zone is not cached, so the cache
// stays bounded by the IANA list whatever the CRM sends.
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      return null;
    }
    formatters.set(zone, f);
  }
  return f;
}

export const canonical = (zone: string): string | undefined =>
  formatter(zone)?.resolvedOptions().timeZone;

/**
 * The wall clock at instant `ms` in the formatter's zone, written as the
 * UTC instant that shows the same clock: calendar arithmetic on it (day,
 * weekday, minutes) needs no zone, and wallOf(ms) - ms is the UTC offset.
 */
export function wallOf(ms: number, f: Intl.DateTimeFormat): number {
  const p: Record<string, number> = {};
  for (const { type, value } of f.formatToParts(ms)) p[type] = Number(value);
  const at = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day, p.hour, p.minute, p.second);
  return at + (ms % 1000);
}
