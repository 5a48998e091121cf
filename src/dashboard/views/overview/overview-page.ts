// Overview: KPI cards, volume and rate trends, a breakdown chart and the
// touches by channel, for the chosen range and filters. Cards follow the kpis subscription (SSE); each
// push also refreshes the trends and the breakdown (throttled).
import { createBreakdownChart } from '../../charts/breakdown-chart.js';
import { createTrendChart, fillTrend } from '../../charts/trend-chart.js';
import { h, select } from '../../ui/dom.js';
import { rangeStart, RANGES, whereArg, type FilterState } from '../../shell/range-filters.js';
import { liveFeed } from '../../shell/live-feed.js';
import {
  DIMENSION_CATALOGUE,
  FILTER_DIMENSIONS,
  KPIS,
  VOLUME_TREND_KPIS,
} from '../../../analytics/kpis/kpi-catalogue.js';
import { KPIS_LIVE, OVERVIEW_QUERY, type OverviewData } from '../../queries/kpi-queries.js';
import { chartBox } from '../../ui/chart-box.js';
import { createBanner } from '../../ui/banner.js';
import { panel } from '../../ui/panel.js';
import type { Bucket, Dimension } from '../../queries/kpi-queries.js';
import type { MountView, ViewContext } from '../../shell/view-context.js';
import { createFilterBar } from '../../shell/filter-bar.js';
import { createKpiCards } from './kpi-cards.js';
import { createTouchesPanel } from './touches-panel.js';

/** "Dials, answered and conversions": the volume trend's KPIs. */
const VOLUME_TITLE = VOLUME_TREND_KPIS.map((k, i) =>
  i === 0 ? KPIS[k].label : KPIS[k].label.toLowerCase(),
)
  .join(', ')
  .replace(/, ([^,]*)$/, ' and $1');

/** The two trend panels, the breakdown panel (grouped by a filter dimension) with their charts' boxes, and the touches. */
function overviewPanels(by: Dimension, ctx: ViewContext) {
  const volumeBox = chartBox('trend-volume', 'sm');
  const ratesBox = chartBox('trend-rates', 'sm');
  const volumePanel = panel('Volume', { testid: 'panel-volume' });
  const ratesPanel = panel('Rates', { testid: 'panel-rates' });
  volumePanel.body.append(volumeBox.wrap);
  ratesPanel.body.append(ratesBox.wrap);
  const dimension = select(
    'dimension',
    FILTER_DIMENSIONS.map((d) => ({ value: d, label: DIMENSION_CATALOGUE[d].label })),
    by,
    { 'data-testid': 'dimension' },
  );
  const byBox = chartBox('kpi-chart', 'md');
  const byPanel = panel('', {
    testid: 'panel-breakdown',
    actions: [h('label', { class: 'picker', for: 'dimension' }, 'Group by'), dimension],
  });
  byPanel.body.append(byBox.wrap);
  const touches = createTouchesPanel(ctx);
  return { volumeBox, ratesBox, byBox, volumePanel, ratesPanel, byPanel, dimension, touches };
}

type Panels = ReturnType<typeof overviewPanels>;

/** Each panel says what it shows: the range, the buckets, the grouping. */
function setTitles(p: Panels, state: FilterState, by: Dimension): void {
  const range = RANGES.find((r) => r.value === state.range)!.long;
  const per = state.bucket === 'HOUR' ? 'per hour' : 'per day (UTC)';
  p.volumePanel.title.textContent = `${VOLUME_TITLE} · ${range}, ${per}`;
  p.ratesPanel.title.textContent = `Rates · ${range}, ${per}`;
  p.byPanel.title.textContent = `Calls and conversion rate by ${DIMENSION_CATALOGUE[by].label.toLowerCase()}`;
}
interface Charts {
  cards: ReturnType<typeof createKpiCards>;
  volume: ReturnType<typeof createTrendChart>;
  rates: ReturnType<typeof createTrendChart>;
  breakdown: ReturnType<typeof createBreakdownChart>;
}

/** The overview's charts, drawn into their panels' boxes. */
const createCharts = (p: Panels, cards: Charts['cards']): Charts => ({
  cards,
  volume: createTrendChart(p.volumeBox.canvas, 'volume'),
  rates: createTrendChart(p.ratesBox.canvas, 'rates'),
  breakdown: createBreakdownChart(p.byBox.canvas),
});

/** One answer of the overview query, drawn: cards, both trends and the breakdown. */
function showOverview(
  data: OverviewData,
  bucket: Bucket,
  from: string | null,
  p: Panels,
  c: Charts,
) {
  c.cards.el.dataset['from'] = from ?? '';
  c.cards.update(data.cards[0]);
  const points = fillTrend(data.trend, bucket, from);
  const none = data.trend.length === 0;
  p.volumeBox.overlay(none ? 'No calls in this range' : null, 'empty');
  p.ratesBox.overlay(none ? 'No calls in this range' : null, 'empty');
  c.volume.render(points, bucket);
  c.rates.render(points, bucket);
  if (data.breakdown.length === 0) {
    c.breakdown.clear();
    p.byBox.overlay('No calls in this range', 'empty');
  } else {
    p.byBox.overlay(null);
    c.breakdown.render(data.breakdown, 'calls', 'conversionRate');
  }
}

export const mountOverview: MountView = (root, ctx) => {
  const { filters } = ctx;
  let by: Dimension = 'REGION';
  let from = rangeStart(filters.state.range);

  const bar = createFilterBar(ctx, { bucket: true });
  const banner = createBanner();
  const cards = createKpiCards();
  const p = overviewPanels(by, ctx);
  const { volumeBox, ratesBox, byBox, dimension } = p;

  const titles = (): void => setTitles(p, filters.state, by);
  titles();

  root.append(
    h('div', { class: 'view-head' }, bar.el),
    banner.el,
    cards.el,
    h('div', { class: 'grid-2' }, p.volumePanel.el, p.ratesPanel.el),
    p.byPanel.el,
    p.touches.el,
  );
  const charts = createCharts(p, cards);

  const variables = () => ({ by: null, from, where: whereArg(filters.state.where) });

  const load = async (stale: () => boolean): Promise<void> => {
    const { bucket, where } = filters.state;
    const [{ data }] = await Promise.all([
      ctx.client.query({
        query: OVERVIEW_QUERY,
        variables: { bucket, by, from, where: whereArg(where) },
      }),
      p.touches.load(from, filters.state, stale),
    ]);
    if (data && !stale()) showOverview(data, bucket, from, p, charts);
  };
  const feed = liveFeed({
    ctx,
    load,
    subscription: KPIS_LIVE,
    variables,
    onData(data, reload, first) {
      cards.update(data.kpis[0]);
      if (!first) reload();
    },
    onError(message) {
      banner.set(message && `Cannot load the overview: ${message}`);
      if (message) for (const b of [volumeBox, ratesBox, byBox]) b.overlay(null);
    },
    throttleMs: 3000,
  });

  const offFilters = filters.watchRange((start, moved) => {
    from = start;
    if (!moved) {
      titles();
      cards.loading();
    }
    feed.restart();
  });
  dimension.addEventListener('change', () => {
    by = dimension.value as Dimension;
    titles();
    byBox.overlay('Loading…');
    void feed.refresh();
  });

  return {
    destroy() {
      feed.stop();
      offFilters();
      bar.destroy();
      charts.volume.dispose();
      charts.rates.dispose();
      charts.breakdown.dispose();
      p.touches.dispose();
    },
  };
};
