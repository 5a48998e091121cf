// Touches by channel on the overview: of the touches sent in the range (and
// campaign, when one is filtered), how many were delivered, replied to and
// how many replies withdrew consent; a chart and a table, reloaded with the
// overview.
import { createTouchChart, type TouchChart } from '../../charts/touch-chart.js';
import { h } from '../../ui/dom.js';
import { FORMATS, TOUCH_KPI_NAMES, TOUCH_KPIS } from '../../../analytics/kpis/kpi-catalogue.js';
import { TOUCHES_QUERY, type TouchChannelRow } from '../../queries/kpi-queries.js';
import { RANGES, type FilterState } from '../../shell/range-filters.js';
import { chartBox } from '../../ui/chart-box.js';
import { panel } from '../../ui/panel.js';
import { dataTable, type Column } from '../../ui/table.js';
import type { ViewContext } from '../../shell/view-context.js';
import { CHANNEL_LABEL } from '../compliance/consent-ledger.js';

/** "All time" reads the last year: touches are kept 365 days by default (the API allows 400). */
const ALL_DAYS = 365;

const COLUMNS: Column<TouchChannelRow>[] = [
  {
    id: 'channel',
    label: 'Channel',
    render: (r) => h('span', { class: 'nowrap' }, CHANNEL_LABEL[r.channel] ?? r.channel),
  },
  ...TOUCH_KPI_NAMES.map((k): Column<TouchChannelRow> => ({
    id: k,
    label: TOUCH_KPIS[k].short,
    title: `${TOUCH_KPIS[k].label}: ${TOUCH_KPIS[k].help}`,
    align: 'right',
    sort: (r) => r[k],
    render: (r) => FORMATS[TOUCH_KPIS[k].format](r[k]),
  })),
];

export interface TouchesPanel {
  el: HTMLElement;
  /** Reads the touches since `from` (null: the last year) and draws them unless stale. */
  load(from: string | null, state: FilterState, stale: () => boolean): Promise<void>;
  dispose(): void;
}

export function createTouchesPanel(ctx: ViewContext): TouchesPanel {
  const box = chartBox('touch-chart', 'sm');
  const p = panel('Touches by channel', { testid: 'panel-touches' });
  const table = dataTable<TouchChannelRow>({
    columns: COLUMNS,
    caption: 'Touches by channel',
    rowKey: (r) => r.channel,
    testid: 'touches-table',
  });
  p.body.append(
    h('div', { class: 'grid-2' }, box.wrap, h('div', { class: 'table-wrap' }, table.el)),
    h(
      'p',
      { class: 'field-hint' },
      'Of the touches sent in the range (messages, and calls a dialer posts as touches): delivered, replied to, and replies that withdrew consent ("TD", "退订"). Calls placed are the dials above.',
    ),
  );
  // Drawn once the panel is on the page (ECharts measures its element).
  let chart: TouchChart | null = null;
  return {
    el: p.el,
    async load(from, state, stale) {
      const start = from ?? new Date(Date.now() - ALL_DAYS * 86_400_000).toISOString();
      const campaign = state.where.campaign || null;
      const { data } = await ctx.client.query({
        query: TOUCHES_QUERY,
        variables: { from: start, campaign },
      });
      if (!data || stale()) return;
      const range = from ? RANGES.find((r) => r.value === state.range)!.long : 'Last 365 days';
      p.title.textContent = `Touches by channel · ${range}${campaign ? `, campaign ${campaign}` : ''}`;
      const rows = data.touchesByChannel;
      (chart ??= createTouchChart(box.canvas)).render(rows, CHANNEL_LABEL);
      table.setRows(rows);
      box.overlay(rows.some((r) => r.sent > 0) ? null : 'No touches in this range', 'empty');
    },
    dispose: () => chart?.dispose(),
  };
}
