// Experiments: the decision layer's live bandits (per script node and
// segment) and the script versions compared over the stored calls; per
// variant trials, conversion, P(best), uplift with its 95% interval; and a
// candidate policy evaluated off-policy on the decision log (policy-panel.ts).
import { createPBestChart, type PBestChart } from '../../charts/pbest-chart.js';
import { button, h } from '../../ui/dom.js';
import { formatInt, formatPercent, formatPoints } from '../../ui/format.js';
import { rangeStart } from '../../shell/range-filters.js';
import { liveFeed } from '../../shell/live-feed.js';
import { TOTALS_LIVE } from '../../queries/kpi-queries.js';
import { EXPERIMENTS_QUERY } from '../../queries/app-queries.js';
import { badge } from '../../ui/badge.js';
import { createBanner } from '../../ui/banner.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import { dataTable } from '../../ui/table.js';
import type { Experiment, VariantStats } from '../../queries/app-queries.js';
import type { MountView } from '../../shell/view-context.js';
import { createFilterBar } from '../../shell/filter-bar.js';
import { generationPanel } from './generation-panel.js';
import { policyPanel } from './policy-panel.js';

/** Uplift's 95% interval on a scale shared by the experiment's variants, zero marked. */
function intervalBar(v: VariantStats, scale: number): HTMLElement {
  const pos = (x: number): string => `${((x / scale + 1) / 2) * 100}%`;
  const range = h('span', {
    class: `interval-range${v.upliftLo95 > 0 ? ' is-positive' : v.upliftHi95 < 0 ? ' is-negative' : ''}`,
  });
  range.style.left = pos(v.upliftLo95);
  range.style.width = `${((v.upliftHi95 - v.upliftLo95) / scale / 2) * 100}%`;
  const mean = h('span', { class: 'interval-mean' });
  mean.style.left = pos(v.uplift);
  const zero = h('span', { class: 'interval-zero' });
  zero.style.left = '50%';
  return h(
    'span',
    {
      class: 'interval',
      role: 'img',
      'aria-label': `95% interval ${formatPoints(v.upliftLo95)} to ${formatPoints(v.upliftHi95)}`,
    },
    h('span', { class: 'interval-track' }),
    zero,
    range,
    mean,
  );
}

function variantTable(exp: Experiment) {
  const control = exp.variants[0]?.variant;
  const scale = Math.max(
    0.01,
    ...exp.variants.flatMap((v) => [Math.abs(v.upliftLo95), Math.abs(v.upliftHi95)]),
  );
  const table = dataTable<VariantStats>({
    caption: `Variants of ${exp.node} (${exp.segment})`,
    rowKey: (v) => v.variant,
    testid: 'variants',
    columns: [
      {
        id: 'variant',
        label: 'Variant',
        render: (v) =>
          h(
            'span',
            { class: 'chips' },
            h('span', { class: 'nowrap' }, v.variant),
            v.variant === exp.leader ? badge('leader', 'good') : null,
            v.variant === control ? badge('control') : null,
            v.stopped ? badge('stopped', 'warn', 'No longer allocated: unlikely to be best') : null,
          ),
      },
      { id: 'trials', label: 'Trials', align: 'right', render: (v) => formatInt(v.trials) },
      { id: 'conv', label: 'Conv.', align: 'right', render: (v) => formatInt(v.conversions) },
      { id: 'rate', label: 'Rate', align: 'right', render: (v) => formatPercent(v.rate) },
      {
        id: 'pbest',
        label: 'P(best)',
        align: 'right',
        render: (v) =>
          h('span', { class: 'nowrap', 'data-testid': 'pbest' }, formatPercent(v.pBest)),
      },
      {
        id: 'uplift',
        label: 'Uplift vs control (95%)',
        align: 'right',
        title: 'Conversion-rate difference to the control, posterior mean and 95% interval',
        render: (v) =>
          v.variant === control
            ? h('span', { class: 'muted' }, '—')
            : h(
                'span',
                { class: 'uplift' },
                h(
                  'span',
                  { class: 'uplift-text' },
                  h('span', {}, formatPoints(v.uplift)),
                  h('small', {}, `${formatPoints(v.upliftLo95)} … ${formatPoints(v.upliftHi95)}`),
                ),
                intervalBar(v, scale),
              ),
      },
    ],
  });
  table.setRows(exp.variants);
  return table.el;
}

function experimentCard(exp: Experiment): {
  el: HTMLElement;
  chart: (el: HTMLElement) => PBestChart;
} {
  const calls = exp.source === 'calls';
  const title = calls ? 'Script versions' : `${exp.node} · ${exp.segment}`;
  const p = panel(title, {
    class: 'experiment',
    testid: 'experiment',
    subtitle: calls
      ? `${formatInt(exp.trials)} calls compared by ${exp.node.replace(/_/g, ' ')}`
      : `${formatInt(exp.trials)} trials · script node ${exp.node}, segment ${exp.segment}`,
    actions: [
      exp.leader ? badge(`Leader: ${exp.leader}`, 'good') : badge('No leader yet'),
      exp.variants.some((v) => v.stopped) ? badge('Has stopped variants', 'warn') : null,
    ],
  });
  const chartEl = h('div', { class: 'chart', 'data-testid': 'pbest-chart' });
  const wrap = h('div', { class: 'chart-wrap' }, chartEl);
  wrap.style.height = `${Math.max(120, 44 * exp.variants.length + 40)}px`;
  wrap.style.minHeight = '0';
  p.body.append(
    h('div', {}, variantTable(exp)),
    h('div', {}, h('p', { class: 'field-hint' }, 'P(best): chance each variant is the best'), wrap),
  );
  return { el: p.el, chart: () => createPBestChart(chartEl) };
}

const NO_BANDITS = [
  'No live bandit experiments yet',
  'They appear once the voice bot asks the decision layer for its lines (POST /dialog/turn): each script node with more than one variant becomes an experiment per customer segment.',
] as const;
const NO_VERSIONS = [
  'No calls in this range',
  'Script versions are compared once calls with them are stored.',
] as const;

/** The experiments as cards in `el` (or `empty`), their P(best) charts drawn; returns the charts. */
function fillCards(el: HTMLElement, items: Experiment[], empty: HTMLElement): PBestChart[] {
  if (items.length === 0) {
    el.replaceChildren(empty);
    return [];
  }
  const cards = items.map(experimentCard);
  el.replaceChildren(...cards.map((c) => c.el));
  return cards.map((c, i) => {
    const chart = c.chart(c.el);
    chart.render(items[i]!.variants, items[i]!.leader);
    return chart;
  });
}

function pageHead(filterBar: HTMLElement, refresh: HTMLElement): HTMLElement {
  return h(
    'div',
    { class: 'view-head' },
    h(
      'div',
      {},
      h('h2', { class: 'view-title' }, 'Experiments'),
      h(
        'p',
        { class: 'view-lead' },
        'Thompson-sampling script experiments and script versions, with the probability each variant is best.',
      ),
    ),
    h('div', { class: 'filter-group' }, filterBar, refresh),
  );
}

export const mountExperiments: MountView = (root, ctx) => {
  const { filters } = ctx;
  const bar = createFilterBar(ctx, { dimensions: false });
  const banner = createBanner();
  const bandits = h('div', { class: 'experiment-list', 'data-testid': 'bandits' }, loading());
  const versions = h(
    'div',
    { class: 'experiment-list', 'data-testid': 'script-experiments' },
    loading(),
  );
  const refresh = button('Refresh', () => void feed.refresh(), { class: 'btn btn-ghost btn-sm' });
  const generated = generationPanel(ctx.client);
  root.append(
    pageHead(bar.el, refresh),
    banner.el,
    h('h3', { class: 'section-title' }, 'Live bandits (decision layer)'),
    bandits,
    h('h3', { class: 'section-title' }, 'Script versions over calls'),
    versions,
    generated.el,
    h('h3', { class: 'section-title' }, 'Before rollout'),
    policyPanel(ctx).el,
  );

  let charts: PBestChart[] = [];
  let last = '';
  const draw = (list: Experiment[]): void => {
    const snapshot = JSON.stringify(list);
    if (snapshot === last) return;
    last = snapshot;
    for (const c of charts) c.dispose();
    charts = [
      ...fillCards(
        bandits,
        list.filter((e) => e.source !== 'calls'),
        stateBox('empty', ...NO_BANDITS),
      ),
      ...fillCards(
        versions,
        list.filter((e) => e.source === 'calls'),
        stateBox('empty', ...NO_VERSIONS),
      ),
    ];
  };

  const feed = liveFeed({
    ctx,
    load: async (stale) => {
      const { data } = await ctx.client.query({
        query: EXPERIMENTS_QUERY,
        variables: { from: rangeStart(filters.state.range) },
      });
      if (data && !stale()) draw(data.experiments);
      await generated.load(rangeStart(filters.state.range));
    },
    subscription: TOTALS_LIVE,
    variables: () => ({}),
    onError: (message) => {
      banner.set(message && `Cannot load experiments: ${message}`);
      if (message && !last) {
        bandits.replaceChildren(stateBox('error', 'Experiments could not be loaded', message));
        versions.replaceChildren();
      }
    },
    throttleMs: 10_000,
  });
  const offFilters = filters.subscribe(() => {
    last = '';
    void feed.refresh();
  });

  return {
    destroy() {
      feed.stop();
      offFilters();
      bar.destroy();
      for (const c of charts) c.dispose();
    },
  };
};
