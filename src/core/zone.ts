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

/** The IANA zones by their canonical names (what a schema can list; aliases resolve too). */
export const TIME_ZONES: readonly [string, ...string[]] = [
  'UTC',
  ...Intl.supportedValuesOf('timeZone'),
];

// Each valid zone's canonical name, asked of Intl once (resolvedOptions()
// builds a new object on every call).
const canonicals = new Map<string, string>();

export function canonical(zone: string): string | undefined {
  let name = canonicals.get(zone);
  if (name === undefined) {
    name = formatter(zone)?.resolvedOptions().timeZone;
    if (name !== undefined) canonicals.set(zone, name);
  }
  return name;
}

// The last whole second each formatter was asked for, and its wall clock:
// a contact check asks for the same second thousands of times.
const lastSecond = new WeakMap<Intl.DateTimeFormat, { second: number; wall: number }>();

/**
 * The wall clock at instant `ms` in the formatter's zone, written as the
 * UTC instant that shows the same clock: calendar arithmetic on it (day,
 * weekday, minutes) needs no zone, and wallOf(ms) - ms is the UTC offset.
 */
export function wallOf(ms: number, f: Intl.DateTimeFormat): number {
  // formatToParts shows whole seconds: within one, only the milliseconds differ.
  const second = Math.floor(ms / 1000);
  const last = lastSecond.get(f);
  if (ms >= 0 && last?.second === second) return last.wall + (ms % 1000);
  const p: Record<string, number> = {};
  for (const { type, value } of f.formatToParts(ms)) p[type] = Number(value);
  const at = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day, p.hour, p.minute, p.second);
  if (ms >= 0) lastSecond.set(f, { second, wall: at });
  return at + (ms % 1000);
}
