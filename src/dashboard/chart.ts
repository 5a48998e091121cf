// Calls (bars) and conversion rate (line, right axis) per category, drawn
// with a modular ECharts build so the bundle carries only what it uses.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import type {
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { KpiRow } from './api.js';
import { formatInt, formatPercent } from './dom.js';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  CanvasRenderer,
]);

type ChartOption = echarts.ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
>;

const BAR_COLOR = '#3b6ef5';
const LINE_COLOR = '#f08c2e';
const AXIS_TEXT = '#5b6474';
const MAX_LABEL = 16;

// Middle ellipsis: long keys often share a prefix and differ at the end.
const shorten = (label: string): string =>
  label.length > MAX_LABEL ? `${label.slice(0, 6)}…${label.slice(-(MAX_LABEL - 7))}` : label;

export interface KpiChart {
  render(rows: KpiRow[]): void;
  clear(): void;
  dispose(): void;
}

export function createKpiChart(el: HTMLElement): KpiChart {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(el);

  return {
    render(rows) {
      const crowded = rows.length > 8;
      const option: ChartOption = {
        animationDuration: 400,
        animationDurationUpdate: 300,
        textStyle: { fontFamily: 'inherit' },
        grid: { left: 56, right: 56, top: 44, bottom: crowded ? 72 : 36 },
        legend: { top: 4, left: 'center', itemGap: 24, textStyle: { color: AXIS_TEXT } },
        tooltip: {
          trigger: 'axis',
          axisPointer: { type: 'shadow', shadowStyle: { color: 'rgba(59, 110, 245, 0.07)' } },
        },
        xAxis: {
          type: 'category',
          data: rows.map((r) => r.key),
          axisTick: { alignWithLabel: true },
          axisLine: { lineStyle: { color: '#c9cfda' } },
          axisLabel: {
            color: AXIS_TEXT,
            interval: 0,
            rotate: crowded ? 35 : 0,
            formatter: shorten,
          },
        },
        yAxis: [
          {
            type: 'value',
            name: 'Calls',
            nameTextStyle: { color: AXIS_TEXT, align: 'right' },
            minInterval: 1,
            axisLabel: { color: AXIS_TEXT },
            splitLine: { lineStyle: { color: '#eef0f4' } },
          },
          {
            type: 'value',
            name: 'Conversion',
            nameTextStyle: { color: AXIS_TEXT, align: 'left' },
            min: 0,
            max: (extent) => Math.min(100, Math.max(10, Math.ceil(extent.max / 10) * 10)),
            axisLabel: { color: AXIS_TEXT, formatter: '{value}%' },
            splitLine: { show: false },
          },
        ],
        series: [
          {
            name: 'Calls',
            type: 'bar',
            barMaxWidth: 48,
            tooltip: { valueFormatter: (v) => formatInt(Number(v)) },
            itemStyle: { color: BAR_COLOR, borderRadius: [4, 4, 0, 0] },
            data: rows.map((r) => r.calls),
          },
          {
            name: 'Conversion rate',
            type: 'line',
            yAxisIndex: 1,
            tooltip: { valueFormatter: (v) => formatPercent(Number(v) / 100) },
            symbol: 'circle',
            symbolSize: 7,
            lineStyle: { width: 2.5, color: LINE_COLOR },
            itemStyle: { color: LINE_COLOR },
            data: rows.map((r) => Math.round(r.conversionRate * 1000) / 10),
          },
        ],
      };
      chart.setOption(option);
      el.dataset['rows'] = String(rows.length);
    },
    clear() {
      chart.clear();
      el.dataset['rows'] = '0';
    },
    dispose() {
      observer.disconnect();
      chart.dispose();
    },
  };
}
