// Touches by channel: grouped bars of the touches sent, delivered, replied to
// and the opt-outs by reply, one group per channel.
import { FORMATS, TOUCH_KPIS } from '../../analytics/kpis/kpi-catalogue.js';
import type { TouchChannelRow } from '../queries/kpi-queries.js';
import { AXIS_LINE, AXIS_TEXT, BASE, COLORS, mountChart, SPLIT_LINE } from './echarts.js';
import type { ChartOption } from './echarts.js';

/** The counts drawn as bars, in the catalogue's words. */
const BARS = ['sent', 'delivered', 'replied', 'optOuts'] as const;
const BAR_COLORS = [COLORS[0], COLORS[2], COLORS[1], COLORS[3]];

export interface TouchChart {
  render(rows: readonly TouchChannelRow[], labels: Record<string, string>): void;
  dispose(): void;
}

function touchOption(rows: readonly TouchChannelRow[], labels: Record<string, string>) {
  return {
    ...BASE,
    grid: { left: 56, right: 24, top: 44, bottom: 36 },
    legend: { top: 4, left: 'center', itemGap: 24, textStyle: { color: AXIS_TEXT } },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow', shadowStyle: { color: 'rgba(59, 110, 245, 0.07)' } },
      valueFormatter: (v: unknown) => FORMATS.count(Number(v)),
    },
    xAxis: {
      type: 'category',
      data: rows.map((r) => labels[r.channel] ?? r.channel),
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: AXIS_LINE } },
      axisLabel: { color: AXIS_TEXT },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { color: AXIS_TEXT },
      splitLine: { lineStyle: { color: SPLIT_LINE } },
    },
    series: BARS.map((k, i) => ({
      name: TOUCH_KPIS[k].label,
      type: 'bar' as const,
      barMaxWidth: 28,
      itemStyle: { color: BAR_COLORS[i], borderRadius: [3, 3, 0, 0] },
      data: rows.map((r) => r[k]),
    })),
  } satisfies ChartOption;
}

export function createTouchChart(el: HTMLElement): TouchChart {
  const { chart, dispose } = mountChart(el);
  return {
    render(rows, labels) {
      chart.setOption(touchOption(rows, labels));
      el.dataset['rows'] = String(rows.length);
      el.dataset['sent'] = String(rows.reduce((s, r) => s + r.sent, 0));
    },
    dispose,
  };
}
