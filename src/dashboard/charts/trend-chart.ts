// KPIs over time, per hour or per day: volume (the catalogue's volume trend
// KPIs: dials as bars, answered and conversions as lines) or rates (connect,
// conversion, abandonment, transfer, complaint).
import { KPIS, RATE_TREND_KPIS, VOLUME_TREND_KPIS } from '../../analytics/kpis/kpi-catalogue.js';
import { formatInt, formatPercent } from '../ui/format.js';
import type { TrendPoint } from '../queries/kpi-queries.js';
import type { Bucket } from '../queries/kpi-queries.js';
import { AXIS_LINE, AXIS_TEXT, BASE, COLORS, mountChart, SPLIT_LINE } from './echarts.js';
import type { ChartOption } from './echarts.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_BUCKETS = 24 * 62;
type VolumeKpi = (typeof VOLUME_TREND_KPIS)[number];
/** A bucket without calls: zero counts (its rates are drawn as gaps). */
const EMPTY = Object.fromEntries(
  [...VOLUME_TREND_KPIS, ...RATE_TREND_KPIS].map((k) => [k, 0]),
) as Omit<TrendPoint, 'at'>;
/** The first volume KPI (dials) is drawn as bars, the others as lines. */
const [BARS, ...LINES] = VOLUME_TREND_KPIS as [VolumeKpi, ...VolumeKpi[]];

/** Missing buckets between `from` and `now` as zero counts and empty (null) rates. */
export function fillTrend(
  points: readonly TrendPoint[],
  bucket: Bucket,
  from: string | null,
  now = Date.now(),
): (TrendPoint & { ms: number; empty: boolean })[] {
  const step = bucket === 'HOUR' ? HOUR : DAY;
  const byMs = new Map(points.map((p) => [Date.parse(p.at ?? ''), p]));
  const known = [...byMs.keys()].filter(Number.isFinite);
  if (known.length === 0 && from === null) return [];
  const first = from !== null ? Date.parse(from) : Math.min(...known);
  const last = Math.max(now, ...known);
  const start = Math.floor(first / step) * step;
  const out: (TrendPoint & { ms: number; empty: boolean })[] = [];
  for (let ms = Math.max(start, last - MAX_BUCKETS * step); ms <= last; ms += step) {
    const p = byMs.get(ms);
    out.push(
      p
        ? { ...p, ms, empty: false }
        : { ...EMPTY, at: new Date(ms).toISOString(), ms, empty: true },
    );
  }
  return out;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/** Hours in local time (a new day shows its date), days as UTC dates. */
export function bucketLabel(ms: number, bucket: Bucket): string {
  const d = new Date(ms);
  if (bucket === 'DAY') return `${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]}`;
  return d.getHours() === 0
    ? `${pad(d.getDate())} ${MONTHS[d.getMonth()]}`
    : `${pad(d.getHours())}:00`;
}

export interface TrendChart {
  render(points: ReturnType<typeof fillTrend>, bucket: Bucket): void;
  dispose(): void;
}

type Kind = 'volume' | 'rates';
type Point = ReturnType<typeof fillTrend>[number];

/** Dials as bars and the other volume KPIs as lines, or one line per rate (in %, gaps where no call). */
function trendSeries(points: Point[], kind: Kind) {
  // Few buckets with calls: draw their points, or a lone one would not show at all.
  const sparse = points.filter((p) => !p.empty).length <= 12;
  const line = (name: string, color: string, data: (number | null)[], area = false) => ({
    name,
    type: 'line' as const,
    data,
    // Rates have gaps (null) where no call was placed; counts are zeros there.
    showSymbol: sparse && kind === 'rates',
    symbolSize: 5,
    connectNulls: false,
    lineStyle: { width: 2, color },
    itemStyle: { color },
    areaStyle: area ? { color, opacity: 0.08 } : undefined,
  });
  if (kind === 'rates')
    return RATE_TREND_KPIS.map((key, i) =>
      line(
        KPIS[key].short,
        COLORS[i % COLORS.length]!,
        points.map((p) => (p.empty ? null : Math.round(p[key] * 1000) / 10)),
      ),
    );
  return [
    {
      name: KPIS[BARS].label,
      type: 'bar' as const,
      barMaxWidth: 28,
      itemStyle: { color: '#b9cbfb', borderRadius: [3, 3, 0, 0] },
      data: points.map((p) => p[BARS]),
    },
    // Every other colour; the last line (conversions) shaded beneath.
    ...LINES.map((key, i) =>
      line(
        KPIS[key].label,
        COLORS[(2 * i) % COLORS.length]!,
        points.map((p) => p[key]),
        i === LINES.length - 1,
      ),
    ),
  ];
}

function trendOption(points: Point[], labels: string[], kind: Kind): ChartOption {
  return {
    ...BASE,
    grid: { left: 48, right: 16, top: 40, bottom: 28 },
    legend: {
      top: 2,
      left: 'center',
      itemGap: 14,
      itemWidth: 16,
      itemHeight: 9,
      textStyle: { color: AXIS_TEXT, fontSize: 12 },
    },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v) =>
        v === null || v === undefined || v === '-'
          ? '—'
          : kind === 'rates'
            ? formatPercent(Number(v) / 100)
            : formatInt(Number(v)),
    },
    xAxis: {
      type: 'category',
      data: labels,
      boundaryGap: true,
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: AXIS_LINE } },
      axisLabel: { color: AXIS_TEXT, hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      minInterval: kind === 'volume' ? 1 : 0,
      min: 0,
      max:
        kind === 'rates'
          ? (e) => Math.min(100, Math.max(10, Math.ceil(e.max / 10) * 10))
          : undefined,
      axisLabel: { color: AXIS_TEXT, formatter: kind === 'rates' ? '{value}%' : '{value}' },
      splitLine: { lineStyle: { color: SPLIT_LINE } },
    },
    series: trendSeries(points, kind),
  };
}

export function createTrendChart(el: HTMLElement, kind: Kind): TrendChart {
  const { chart, dispose } = mountChart(el);
  let shape = '';
  return {
    render(points, bucket) {
      const labels = points.map((p) => bucketLabel(p.ms, bucket));
      const next = JSON.stringify([bucket, labels[0], labels.length]);
      chart.setOption(trendOption(points, labels, kind), { notMerge: next !== shape });
      shape = next;
      el.dataset['points'] = String(points.filter((p) => !p.empty).length);
      el.dataset['calls'] = String(points.reduce((s, p) => s + p.calls, 0));
    },
    dispose,
  };
}
