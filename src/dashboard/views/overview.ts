// Overview: KPI cards, volume and rate trends, and a breakdown chart, for the
// chosen range and filters. Cards follow the kpis subscription (SSE); each
// push also refreshes the trends and the breakdown (throttled).
import { createBreakdownChart } from '../charts/breakdown-chart.js';
import { createTrendChart, fillTrend } from '../charts/trend-chart.js';
import { h, select } from '../dom.js';
import { rangeStart, RANGES, whereArg } from '../filters.js';
import { liveFeed } from '../live-feed.js';
import { DIMENSION_LABELS } from '../metrics.js';
import { KPIS_LIVE, OVERVIEW_QUERY } from '../queries/kpis.js';
import { chartBox } from '../ui/chart-box.js';
import { createBanner } from '../ui/banner.js';
import { panel } from '../ui/panel.js';
import type { Dimension } from '../types.js';
import type { MountView } from '../view.js';
import { createFilterBar } from './filter-bar.js';
import { createKpiCards } from './kpi-cards.js';

const GROUPS: Dimension[] = ['REGION', 'PRODUCT_LINE', 'SCRIPT_VERSION', 'CAMPAIGN', 'HANDLED_BY'];

export const mountOverview: MountView = (root, ctx) => {
  const { filters } = ctx;
  let by: Dimension = 'REGION';
  let from = rangeStart(filters.state.range);

  const bar = createFilterBar(ctx, { bucket: true });
  const banner = createBanner();
  const cards = createKpiCards();

  const volumeBox = chartBox('trend-volume', 'sm');
  const ratesBox = chartBox('trend-rates', 'sm');
  const volumePanel = panel('Volume', { testid: 'panel-volume' });
  const ratesPanel = panel('Rates', { testid: 'panel-rates' });
  volumePanel.body.append(volumeBox.wrap);
  ratesPanel.body.append(ratesBox.wrap);

  const dimension = select(
    'dimension',
    GROUPS.map((d) => ({ value: d, label: DIMENSION_LABELS[d] })),
    by,
    { 'data-testid': 'dimension' },
  );
  const byBox = chartBox('kpi-chart', 'md');
  const byPanel = panel('', {
    testid: 'panel-breakdown',
    actions: [h('label', { class: 'picker', for: 'dimension' }, 'Group by'), dimension],
  });
  byPanel.body.append(byBox.wrap);

  const subtitle = (): string => {
    const range = RANGES.find((r) => r.value === filters.state.range)!.long;
    const per = filters.state.bucket === 'HOUR' ? 'per hour' : 'per day (UTC)';
    return `${range}, ${per}`;
  };
  const titles = (): void => {
    volumePanel.title.textContent = `Dials, answered and conversions · ${subtitle()}`;
    ratesPanel.title.textContent = `Rates · ${subtitle()}`;
    byPanel.title.textContent = `Calls and conversion rate by ${DIMENSION_LABELS[by].toLowerCase()}`;
  };
  titles();

  root.append(
    h('div', { class: 'view-head' }, bar.el),
    banner.el,
    cards.el,
    h('div', { class: 'grid-2' }, volumePanel.el, ratesPanel.el),
    byPanel.el,
  );
  const volume = createTrendChart(volumeBox.canvas, 'volume');
  const rates = createTrendChart(ratesBox.canvas, 'rates');
  const breakdown = createBreakdownChart(byBox.canvas);

  const variables = () => ({ by: null, from, where: whereArg(filters.state.where) });

  const load = async (stale: () => boolean): Promise<void> => {
    const { bucket, where } = filters.state;
    const { data } = await ctx.client.query({
      query: OVERVIEW_QUERY,
      variables: { bucket, by, from, where: whereArg(where) },
    });
    if (!data || stale()) return;
    cards.el.dataset['from'] = from ?? '';
    cards.update(data.cards[0]);
    const points = fillTrend(data.trend, bucket, from);
    const none = data.trend.length === 0;
    volumeBox.overlay(none ? 'No calls in this range' : null, 'empty');
    ratesBox.overlay(none ? 'No calls in this range' : null, 'empty');
    volume.render(points, bucket);
    rates.render(points, bucket);
    if (data.breakdown.length === 0) {
      breakdown.clear();
      byBox.overlay('No calls in this range', 'empty');
    } else {
      byBox.overlay(null);
      breakdown.render(data.breakdown, 'calls', 'conversionRate');
    }
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
      volume.dispose();
      rates.dispose();
      breakdown.dispose();
    },
  };
};
