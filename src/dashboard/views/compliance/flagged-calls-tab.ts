// Calls with compliance hits, riskiest first, paged by cursor.
import { errorMessage } from '../../shell/graphql-client.js';
import { button, h, select } from '../../ui/dom.js';
import { formatAgo, formatDateTime, formatInt } from '../../ui/format.js';
import { rangeStart } from '../../shell/range-filters.js';
import { FLAGGED_CALLS_QUERY } from '../../queries/compliance-queries.js';
import { badge } from '../../ui/badge.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import { dataTable, type Column } from '../../ui/table.js';
import type { FlaggedCall } from '../../queries/compliance-queries.js';
import type { ViewContext } from '../../shell/view-context.js';
import { createFilterBar } from '../../shell/filter-bar.js';

const PAGE = 25;
const NONE = [
  'No flagged calls',
  'No call in this range has a compliance hit at this risk.',
] as const;
const MIN_RISK = [
  { value: '', label: 'Any risk' },
  { value: '3', label: 'Risk ≥ 3' },
  { value: '5', label: 'Risk ≥ 5' },
  { value: '8', label: 'Risk ≥ 8' },
];

export const riskPill = (risk: number): HTMLElement =>
  h(
    'span',
    {
      class: `risk ${risk >= 8 ? 'risk-high' : risk >= 4 ? 'risk-mid' : 'risk-low'}`,
      title: 'Risk: 3 per hit in our words, 1 per hit in the customer’s, 5 for a complaint',
    },
    String(Math.round(risk * 10) / 10),
  );

const COLUMNS: Column<FlaggedCall>[] = [
  { id: 'risk', label: 'Risk', render: (c) => riskPill(c.risk) },
  { id: 'call', label: 'Call', render: (c) => h('span', { class: 'mono' }, c.callId) },
  {
    id: 'started',
    label: 'Started',
    render: (c) =>
      h('span', { class: 'nowrap', title: formatDateTime(c.startedAt) }, formatAgo(c.startedAt)),
  },
  { id: 'region', label: 'Region', render: (c) => c.region ?? '—' },
  { id: 'by', label: 'By', render: (c) => c.handledBy ?? '—' },
  {
    id: 'outcome',
    label: 'Outcome',
    render: (c) => (c.outcome === 'complaint' ? badge('complaint', 'bad') : (c.outcome ?? '—')),
  },
  { id: 'hits', label: 'Hits', align: 'right', render: (c) => formatInt(c.hits) },
  {
    id: 'rules',
    label: 'Rules',
    render: (c) => h('span', { class: 'chips' }, ...c.rules.map((r) => badge(r, 'warn'))),
  },
];

export interface FlaggedCalls {
  el: HTMLElement;
  select(callId: string | null): void;
  destroy(): void;
}

export function createFlaggedCalls(ctx: ViewContext, open: (callId: string) => void): FlaggedCalls {
  let rows: FlaggedCall[] = [];
  let cursor: string | null = null;
  let generation = 0;
  const bar = createFilterBar(ctx, { dimensions: false });
  const minRisk = select('min-risk', MIN_RISK, '', {
    'aria-label': 'Minimum risk',
    'data-testid': 'min-risk',
  });
  const p = panel('Flagged calls', {
    testid: 'flagged-calls',
    subtitle: 'Riskiest first. Select a call to read it.',
    actions: [bar.el, minRisk],
  });
  const total = h('span', { 'data-testid': 'flagged-total' });
  const more = button('Load more', () => void load(true), { 'data-testid': 'flagged-more' });
  const slot = h('div', {}, loading('Loading flagged calls…'));
  const table = dataTable<FlaggedCall>({
    caption: 'Flagged calls',
    rowKey: (c) => c.callId,
    testid: 'flagged-table',
    onRowClick: (c) => open(c.callId),
    columns: COLUMNS,
  });
  p.body.append(slot, h('div', { class: 'panel-foot' }, total, more));

  async function load(append = false): Promise<void> {
    const mine = append ? generation : ++generation;
    if (!append) {
      slot.replaceChildren(loading('Loading flagged calls…'));
      more.hidden = true;
    }
    more.disabled = true;
    try {
      const { data } = await ctx.client.query({
        query: FLAGGED_CALLS_QUERY,
        variables: {
          from: rangeStart(ctx.filters.state.range),
          minRisk: minRisk.value ? Number(minRisk.value) : null,
          limit: PAGE,
          after: append ? cursor : null,
        },
      });
      if (mine !== generation || !data) return;
      const page = data.flaggedCalls;
      rows = append ? [...rows, ...page.calls] : page.calls;
      cursor = page.nextCursor;
      if (page.total !== null && page.total !== undefined)
        total.textContent = `${formatInt(page.total)} flagged call${page.total === 1 ? '' : 's'}`;
      table.setRows(rows);
      slot.replaceChildren(rows.length ? table.el : stateBox('empty', ...NONE));
      more.hidden = cursor === null;
      p.setError(null);
    } catch (err) {
      if (mine !== generation) return;
      p.setError(`Cannot load flagged calls: ${errorMessage(err)}`);
      if (!append)
        slot.replaceChildren(
          stateBox('error', 'Flagged calls could not be loaded', errorMessage(err)),
        );
    } finally {
      more.disabled = false;
    }
  }

  minRisk.addEventListener('change', () => void load());
  const off = ctx.filters.subscribe(() => void load());
  void load();
  return {
    el: p.el,
    select: (callId) => table.setSelected(callId),
    destroy() {
      off();
      bar.destroy();
    },
  };
}
