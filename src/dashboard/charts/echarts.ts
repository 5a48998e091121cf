// The modular ECharts build (only what the dashboard draws) and a chart that
// follows its element's size.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from 'echarts/components';
import type {
  AriaComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  AriaComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | AriaComponentOption
>;

export const COLORS = ['#3b6ef5', '#f08c2e', '#22a55b', '#c9352b', '#7a5cf0', '#0e9aa7'];
export const AXIS_TEXT = '#5b6474';
export const AXIS_LINE = '#c9cfda';
export const SPLIT_LINE = '#eef0f4';

/** Options every chart shares: fonts, animation, screen-reader description. */
export const BASE: ChartOption = {
  animationDuration: 400,
  animationDurationUpdate: 300,
  textStyle: { fontFamily: 'inherit' },
  aria: { enabled: true, decal: { show: false } },
};

export interface MountedChart {
  chart: echarts.ECharts;
  dispose(): void;
}

export function mountChart(el: HTMLElement): MountedChart {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(el);
  return {
    chart,
    dispose() {
      observer.disconnect();
      chart.dispose();
    },
  };
}

// Middle ellipsis: long keys often share a prefix and differ at the end.
export const shorten = (label: string, max = 16): string =>
  label.length > max ? `${label.slice(0, 6)}…${label.slice(-(max - 7))}` : label;
