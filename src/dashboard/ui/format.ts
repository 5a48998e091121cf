// Number and time formats used across the dashboard (en-US digits, UTC-aware
// labels). Numbers read as the KPI catalogue writes KPIs, in Slack too.
import { FORMATS } from '../../analytics/kpis/kpi-catalogue.js';

const percent = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const dateTime = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const time = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export const formatInt = FORMATS.count;
export const formatPercent = FORMATS.percent;
export const formatDecimal = FORMATS.ratio;
/** Seconds as `1m 05s` (or `42s`). */
export const formatSeconds = FORMATS.seconds;

/** A signed change in percentage points: +3.2 pp. */
export const formatPoints = (fraction: number): string =>
  `${fraction > 0 ? '+' : fraction < 0 ? '−' : '±'}${Math.abs(fraction * 100).toFixed(1)} pp`;

/** A signed relative change: +12.0% / −25.0%. */
export const formatSignedPercent = (fraction: number): string =>
  `${fraction > 0 ? '+' : fraction < 0 ? '−' : '±'}${percent.format(Math.abs(fraction))}`;

const parse = (iso: string | null | undefined): Date | null => {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** `02 Dec 2026, 14:05` in the browser's time zone; `—` when unknown. */
export const formatDateTime = (iso: string | null | undefined): string => {
  const d = parse(iso);
  return d ? dateTime.format(d) : '—';
};

export const formatTime = (iso: string | null | undefined): string => {
  const d = parse(iso);
  return d ? time.format(d) : '—';
};

/** `5 min ago`, `3 h ago`, `2 d ago`; the exact time belongs in a title. */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  const d = parse(iso);
  if (!d) return '—';
  const s = Math.max(0, Math.round((now - d.getTime()) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
