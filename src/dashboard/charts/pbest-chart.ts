// P(best) per variant as horizontal bars: how likely each is the best one.
import { formatPercent } from '../ui/format.js';
import type { VariantStats } from '../queries/app-queries.js';
import { AXIS_LINE, AXIS_TEXT, BASE, COLORS, mountChart, shorten, SPLIT_LINE } from './echarts.js';
import type { ChartOption } from './echarts.js';

export interface PBestChart {
  render(variants: readonly VariantStats[], leader: string | null): void;
  dispose(): void;
}

export function createPBestChart(el: HTMLElement): PBestChart {
  const { chart, dispose } = mountChart(el);
  return {
    render(variants, leader) {
      // Top to bottom in the table's order.
      const rows = [...variants].reverse();
      const option: ChartOption = {
        ...BASE,
        grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
        tooltip: {
          trigger: 'axis',
          axisPointer: { type: 'shadow' },
          valueFormatter: (v) => formatPercent(Number(v)),
        },
        xAxis: {
          type: 'value',
          min: 0,
          max: 1,
          axisLabel: { color: AXIS_TEXT, formatter: (v: number) => `${Math.round(v * 100)}%` },
          splitLine: { lineStyle: { color: SPLIT_LINE } },
        },
        yAxis: {
          type: 'category',
          data: rows.map((v) => v.variant),
          axisLine: { lineStyle: { color: AXIS_LINE } },
          axisTick: { show: false },
          axisLabel: { color: AXIS_TEXT, formatter: (s: string) => shorten(s, 18) },
        },
        series: [
          {
            name: 'P(best)',
            type: 'bar',
            barMaxWidth: 22,
            data: rows.map((v) => ({
              value: v.pBest,
              itemStyle: {
                color: v.stopped ? '#c2c8d3' : v.variant === leader ? COLORS[2] : COLORS[0],
                borderRadius: [0, 4, 4, 0],
              },
            })),
            label: {
              show: true,
              position: 'right',
              color: AXIS_TEXT,
              formatter: (p) => formatPercent(Number(p.value)),
            },
          },
        ],
      };
      chart.setOption(option);
      el.dataset['bars'] = String(rows.length);
    },
    dispose,
  };
}
