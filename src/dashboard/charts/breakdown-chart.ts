// One bar per dimension value (a count) with a rate or other KPI as a line
// on the right axis: calls and conversion rate by region, by default.
import { formatKpi, KPIS, type KpiName } from '../../analytics/kpis/kpi-catalogue.js';
import type { KpiRow } from '../queries/kpi-queries.js';
import { AXIS_LINE, AXIS_TEXT, BASE, COLORS, mountChart, shorten, SPLIT_LINE } from './echarts.js';
import type { ChartOption } from './echarts.js';

export interface BreakdownChart {
  /** Bars of `bar` per row; a line of `line` unless it is null. */
  render(rows: Pick<KpiRow, 'key'>[], bar: KpiName, line: KpiName | null): void;
  clear(): void;
  dispose(): void;
}

type Row = Pick<KpiRow, 'key'> & Partial<KpiRow>;

const axisFor = (key: KpiName) =>
  KPIS[key].format === 'percent'
    ? {
        min: 0,
        max: (extent: { max: number }) =>
          Math.min(100, Math.max(10, Math.ceil(extent.max / 10) * 10)),
        axisLabel: { color: AXIS_TEXT, formatter: '{value}%' },
      }
    : { axisLabel: { color: AXIS_TEXT }, minInterval: KPIS[key].format === 'count' ? 1 : 0 };

/** Rates are plotted in percent, the rest as they are. */
const plotted = (key: KpiName, v: number | undefined): number =>
  KPIS[key].format === 'percent'
    ? Math.round((v ?? 0) * 1000) / 10
    : Math.round((v ?? 0) * 100) / 100;

/** Bars of `bar` per row on the left axis, `line` (if any) on the right. */
function breakdownOption(rows: Row[], bar: KpiName, line: KpiName | null): ChartOption {
  const crowded = rows.length > 8;
  const value = (key: KpiName) => (v: unknown) =>
    formatKpi(key, KPIS[key].format === 'percent' ? Number(v) / 100 : Number(v));
  return {
    ...BASE,
    grid: { left: 64, right: line ? 64 : 24, top: 44, bottom: crowded ? 72 : 36 },
    legend: { top: 4, left: 'center', itemGap: 24, textStyle: { color: AXIS_TEXT } },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow', shadowStyle: { color: 'rgba(59, 110, 245, 0.07)' } },
    },
    xAxis: {
      type: 'category',
      data: rows.map((r) => r.key),
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: AXIS_LINE } },
      axisLabel: {
        color: AXIS_TEXT,
        interval: rows.length > 31 ? 'auto' : 0,
        rotate: crowded ? 35 : 0,
        formatter: (s: string) => shorten(s),
      },
    },
    yAxis: [
      {
        type: 'value',
        name: KPIS[bar].short,
        nameTextStyle: { color: AXIS_TEXT, align: 'right' },
        splitLine: { lineStyle: { color: SPLIT_LINE } },
        ...axisFor(bar),
      },
      ...(line
        ? [
            {
              type: 'value' as const,
              name: KPIS[line].short,
              nameTextStyle: { color: AXIS_TEXT, align: 'left' as const },
              splitLine: { show: false },
              ...axisFor(line),
            },
          ]
        : []),
    ],
    series: [
      {
        name: KPIS[bar].label,
        type: 'bar',
        barMaxWidth: 48,
        tooltip: { valueFormatter: value(bar) },
        itemStyle: { color: COLORS[0], borderRadius: [4, 4, 0, 0] },
        data: rows.map((r) => plotted(bar, r[bar])),
      },
      ...(line
        ? [
            {
              name: KPIS[line].label,
              type: 'line' as const,
              yAxisIndex: 1,
              tooltip: { valueFormatter: value(line) },
              symbol: 'circle',
              symbolSize: 7,
              lineStyle: { width: 2.5, color: COLORS[1] },
              itemStyle: { color: COLORS[1] },
              data: rows.map((r) => plotted(line, r[line])),
            },
          ]
        : []),
    ],
  };
}

export function createBreakdownChart(el: HTMLElement): BreakdownChart {
  const { chart, dispose } = mountChart(el);
  let shape = '';
  return {
    render(input, bar, line) {
      const rows = input as Row[];
      // Same series and categories: merge, so a live update animates from the old values.
      const next = JSON.stringify([bar, line, rows.map((r) => r.key)]);
      chart.setOption(breakdownOption(rows, bar, line), { notMerge: next !== shape });
      shape = next;
      el.dataset['rows'] = String(rows.length);
    },
    clear() {
      chart.clear();
      shape = '';
      el.dataset['rows'] = '0';
    },
    dispose,
  };
}
