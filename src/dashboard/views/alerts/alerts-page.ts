// Alerts: open / acknowledged / resolved, value against baseline, acknowledge,
// "Load more" by cursor; live through the alerts subscription. Below: the rules.
import { errorMessage } from '../../shell/graphql-client.js';
import { button, h } from '../../ui/dom.js';
import { formatAgo, formatDateTime, formatSignedPercent } from '../../ui/format.js';
import { liveFeed } from '../../shell/live-feed.js';
import { formatKpi } from '../../../analytics/kpis/kpi-catalogue.js';
import { ACKNOWLEDGE_ALERT, ALERTS_LIVE, ALERTS_QUERY } from '../../queries/alert-queries.js';
import { badge, STATUS_TONE } from '../../ui/badge.js';
import { panel, type Panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import { dataTable, type Column } from '../../ui/table.js';
import { tabs } from '../../ui/tabs.js';
import type { Alert } from '../../queries/alert-queries.js';
import type { AlertStatus } from '../../queries/graphql-types.js';
import type { MountView, ViewContext } from '../../shell/view-context.js';
import { dimensionLabel, metricLabel } from './alert-rule-form.js';
import { createRulesPanel } from './alert-rules-panel.js';

type Status = 'open' | 'acknowledged' | 'resolved' | 'all';
const PAGE = 20;
const MAX_REFRESH = 200;

const EMPTY: Record<Status, [string, string]> = {
  open: ['No open alerts', 'Every watched KPI is within its band of the baseline.'],
  acknowledged: ['Nothing acknowledged', 'Acknowledged alerts stay here until they resolve.'],
  resolved: ['No resolved alerts yet', 'An alert resolves once its KPI is back within the band.'],
  all: [
    'No alerts yet',
    'Alerts fire when a KPI strays from its baseline by the rule’s threshold.',
  ],
};

const alertKey = (a: Alert): string => `${a.ruleId}\u0000${a.key}\u0000${a.firedAt ?? ''}`;

/** The table's columns; an open alert's row has an Acknowledge button. */
function alertColumns(acknowledge: (a: Alert, btn: HTMLButtonElement) => void): Column<Alert>[] {
  return [
    {
      id: 'status',
      label: 'Status',
      render: (a) => badge(a.status, STATUS_TONE[a.status] ?? 'neutral'),
    },
    { id: 'metric', label: 'Metric', render: (a) => metricLabel(a.metric) },
    {
      id: 'scope',
      label: 'Where',
      render: (a) =>
        a.dimension
          ? h('span', {}, h('span', { class: 'muted' }, `${dimensionLabel(a.dimension)}: `), a.key)
          : 'Overall',
    },
    {
      id: 'value',
      label: 'Value',
      align: 'right',
      render: (a) => formatKpi(a.metric, a.value),
    },
    {
      id: 'baseline',
      label: 'Baseline',
      align: 'right',
      render: (a) => formatKpi(a.metric, a.baseline),
    },
    {
      id: 'deviation',
      label: 'Deviation',
      align: 'right',
      render: (a) =>
        h(
          'span',
          {
            class: `deviation ${a.deviation < 0 ? 'is-down' : 'is-up'}`,
            title: `Threshold ±${Math.round(a.threshold * 100)}%`,
          },
          `${a.deviation < 0 ? '▼' : '▲'} ${formatSignedPercent(a.deviation)}`,
        ),
    },
    {
      id: 'threshold',
      label: 'Band',
      align: 'right',
      render: (a) => `±${Math.round(a.threshold * 1000) / 10}%`,
    },
    {
      id: 'fired',
      label: 'Fired',
      render: (a) =>
        h('span', { title: formatDateTime(a.firedAt), class: 'nowrap' }, formatAgo(a.firedAt)),
    },
    {
      id: 'updated',
      label: 'Updated',
      render: (a) =>
        h('span', { title: formatDateTime(a.updatedAt), class: 'nowrap' }, formatAgo(a.updatedAt)),
    },
    {
      id: 'action',
      label: '',
      align: 'right',
      render: (a) => {
        if (a.status !== 'open') return '';
        const b: HTMLButtonElement = button('Acknowledge', () => acknowledge(a, b), {
          class: 'btn btn-ghost btn-sm',
          'aria-label': `Acknowledge ${metricLabel(a.metric)} alert for ${a.key}`,
          'data-testid': 'alert-ack',
        });
        return b;
      },
    },
  ];
}

const STATUS_TABS: { value: Status; label: string; testid: string }[] = [
  { value: 'open', label: 'Open', testid: 'tab-open' },
  { value: 'acknowledged', label: 'Acknowledged', testid: 'tab-acknowledged' },
  { value: 'resolved', label: 'Resolved', testid: 'tab-resolved' },
  { value: 'all', label: 'All', testid: 'tab-all' },
];

/** The alerts panel: status tabs, a notice, where the table goes, the count with "Load more". */
function alertsPanel(status: Status, onMore: () => void, onTab: (status: Status) => void) {
  const notice = h('div', {
    class: 'banner banner-ok',
    role: 'status',
    'data-testid': 'alert-notice',
  });
  notice.hidden = true;
  const listSlot = h('div', { id: 'alerts-list' }, loading('Loading alerts…'));
  const loadMore = button('Load more', onMore, {
    class: 'btn btn-ghost',
    'data-testid': 'alerts-more',
  });
  const count = h('span', { 'data-testid': 'alerts-count' });
  const foot = h('div', { class: 'panel-foot' }, count, loadMore);
  const strip = tabs<Status>('Alert status', STATUS_TABS, status, onTab, 'alerts-list');
  const p = panel('Alerts', {
    testid: 'alerts',
    subtitle: 'KPIs off their seasonal baseline, newest change first.',
  });
  p.body.append(strip.el, notice, listSlot, foot);
  return { p, notice, listSlot, loadMore, count };
}

/** Acknowledges an alert from its row's button, then says so and reloads the list. */
function acknowledger(
  ctx: ViewContext,
  p: Panel,
  notice: HTMLElement,
  refresh: () => Promise<void>,
): (a: Alert, btn: HTMLButtonElement) => void {
  return (a, btn) => {
    btn.disabled = true;
    btn.textContent = 'Acknowledging…';
    ctx.client
      .mutate({ mutation: ACKNOWLEDGE_ALERT, variables: { ruleId: a.ruleId, key: a.key } })
      .then(({ data }) => {
        // null: the alert was no longer open (resolved or acknowledged meanwhile).
        notice.textContent = `${data?.acknowledgeAlert ? 'Acknowledged' : 'No longer open'}: ${metricLabel(a.metric)} · ${a.key}.`;
        notice.hidden = false;
        p.setError(null);
        return refresh();
      })
      .catch((err: unknown) => {
        btn.disabled = false;
        btn.textContent = 'Acknowledge';
        p.setError(`Not acknowledged: ${errorMessage(err)}`);
      });
  };
}

/** The rows shown, with the page after the last of them (rows already shown are not repeated). */
async function nextPage(
  ctx: ViewContext,
  status: AlertStatus | null,
  rows: Alert[],
): Promise<{ rows: Alert[]; more: boolean }> {
  const after = rows[rows.length - 1]?.cursor ?? null;
  const { data } = await ctx.client.query({
    query: ALERTS_QUERY,
    variables: { status, limit: PAGE, after },
  });
  const page = data?.alerts ?? [];
  const seen = new Set(rows.map(alertKey));
  return {
    rows: [...rows, ...page.filter((a) => !seen.has(alertKey(a)))],
    more: page.length === PAGE,
  };
}

/** Everything shown so far, again (up to 200): paging survives a refresh. */
async function reloadShown(
  ctx: ViewContext,
  status: AlertStatus | null,
  shown: number,
): Promise<{ rows: Alert[]; more: boolean }> {
  const limit = Math.min(MAX_REFRESH, Math.max(PAGE, shown));
  const { data } = await ctx.client.query({ query: ALERTS_QUERY, variables: { status, limit } });
  const rows = data?.alerts ?? [];
  return { rows, more: rows.length === limit };
}

export const mountAlerts: MountView = (root, ctx) => {
  let status: Status = 'open';
  let rows: Alert[] = [];
  let more = false;

  const { p, notice, listSlot, loadMore, count } = alertsPanel(
    status,
    () => void next(),
    (value) => {
      status = value;
      rows = [];
      listSlot.replaceChildren(loading('Loading alerts…'));
      feed.restart();
    },
  );

  const table = dataTable<Alert>({
    caption: 'Alerts',
    rowKey: alertKey,
    testid: 'alerts-table',
    columns: alertColumns(acknowledger(ctx, p, notice, () => feed.refresh())),
  });

  const draw = (): void => {
    table.setRows(rows);
    listSlot.replaceChildren(rows.length ? table.el : stateBox('empty', ...EMPTY[status]));
    count.textContent = rows.length ? `${rows.length} shown` : '';
    loadMore.hidden = !more;
  };
  const statusArg = (): AlertStatus | null => (status === 'all' ? null : (status as AlertStatus));

  async function next(): Promise<void> {
    const asked = status;
    loadMore.disabled = true;
    try {
      const page = await nextPage(ctx, statusArg(), rows);
      if (asked !== status) return; // another tab meanwhile
      ({ rows, more } = page);
      draw();
    } catch (err) {
      p.setError(`Cannot load more alerts: ${errorMessage(err)}`);
    } finally {
      loadMore.disabled = false;
    }
  }

  const feed = liveFeed({
    ctx,
    load: async (stale) => {
      const page = await reloadShown(ctx, statusArg(), rows.length);
      if (stale()) return;
      ({ rows, more } = page);
      draw();
    },
    subscription: ALERTS_LIVE,
    variables: () => ({ status: statusArg(), limit: PAGE }),
    onData(data, reload) {
      if (rows.length > PAGE) return reload();
      rows = data.alerts;
      more = rows.length === PAGE;
      draw();
    },
    onError(message) {
      p.setError(message && `Cannot load alerts: ${message}`);
      if (message && rows.length === 0)
        listSlot.replaceChildren(stateBox('error', 'Alerts could not be loaded', message));
    },
  });

  const rules = createRulesPanel(ctx.client, () => ctx.signOut('Your API key is no longer valid'));
  root.append(p.el, rules.el);
  return { destroy: () => feed.stop() };
};
