// The time range and dimension filters the analytic views share: chosen once,
// kept while moving between views.
import {
  DIMENSION_CATALOGUE,
  FILTER_DIMENSIONS,
  type FilterDimension,
} from '../../analytics/kpis/kpi-catalogue.js';
import type { Bucket, KpiWhere } from '../queries/kpi-queries.js';

export type Range = '24h' | '7d' | '30d' | 'all';

export const RANGES: { value: Range; label: string; long: string }[] = [
  { value: '24h', label: '24 h', long: 'Last 24 hours' },
  { value: '7d', label: '7 days', long: 'Last 7 days' },
  { value: '30d', label: '30 days', long: 'Last 30 days' },
  { value: 'all', label: 'All', long: 'All time' },
];

/** The filterable dimensions (the KPI catalogue's), their `KpiWhere` field and labels. */
export const FILTERS: {
  dim: FilterDimension;
  field: keyof KpiWhere;
  label: string;
  all: string;
}[] = FILTER_DIMENSIONS.map((dim) => {
  const { where, label, all } = DIMENSION_CATALOGUE[dim];
  return { dim, field: where, label, all };
});

export interface FilterState {
  range: Range;
  bucket: Bucket;
  where: KpiWhere;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const defaultBucket = (range: Range): Bucket => (range === '24h' ? 'HOUR' : 'DAY');

/**
 * Where a range starts: whole hours (24 h) or whole UTC days, so the first
 * bucket of a trend is a full one. Null: open.
 */
export function rangeStart(range: Range, now = Date.now()): string | null {
  switch (range) {
    case '24h':
      return new Date(Math.floor(now / HOUR) * HOUR - 23 * HOUR).toISOString();
    case '7d':
      return new Date(Math.floor(now / DAY) * DAY - 6 * DAY).toISOString();
    case '30d':
      return new Date(Math.floor(now / DAY) * DAY - 29 * DAY).toISOString();
    case 'all':
      return null;
  }
}

/** The `where` argument: only the filters set; null when none is. */
export function whereArg(where: KpiWhere): KpiWhere | null {
  const set = Object.entries(where).filter(([, v]) => v !== undefined && v !== '');
  return set.length ? (Object.fromEntries(set) as KpiWhere) : null;
}

export class Filters {
  private listeners = new Set<(s: FilterState) => void>();
  state: FilterState = { range: '24h', bucket: 'HOUR', where: {} };

  /** Called on every change; returns the unsubscribe. */
  subscribe(fn: (s: FilterState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  set(patch: Partial<FilterState>): void {
    const next = { ...this.state, ...patch };
    if (patch.range && !patch.bucket) next.bucket = defaultBucket(patch.range);
    this.state = next;
    for (const fn of this.listeners) fn(next);
  }

  /**
   * Calls `fn` with the range's start on every filter change, and when the
   * range moves on by itself while a view stays open ("last 24 h" each
   * hour), then with `moved` true. Returns the unsubscribe.
   */
  watchRange(fn: (from: string | null, moved: boolean) => void): () => void {
    let from = rangeStart(this.state.range);
    const clock = setInterval(() => {
      const now = rangeStart(this.state.range);
      if (now !== from) fn((from = now), true);
    }, 60_000);
    const off = this.subscribe((s) => fn((from = rangeStart(s.range)), false));
    return () => {
      clearInterval(clock);
      off();
    };
  }

  setWhere(field: keyof KpiWhere, value: string | undefined): void {
    const where = { ...this.state.where };
    if (value) where[field] = value;
    else delete where[field];
    this.set({ where });
  }
}
