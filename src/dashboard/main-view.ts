// The signed-in view: header, KPI cards and the live chart, polled every 2 s.
import type { ApolloClient } from '@apollo/client';
import { DASHBOARD_QUERY, classifyError } from './api.js';
import type { DashboardData, Dimension, Principal } from './api.js';
import { createKpiChart } from './chart.js';
import { h } from './dom.js';
import { createKpiCards } from './kpi-cards.js';

const POLL_MS = 2000;

const DIMENSIONS: { value: Dimension; label: string }[] = [
  { value: 'REGION', label: 'Region' },
  { value: 'PRODUCT_LINE', label: 'Product line' },
  { value: 'SCRIPT_VERSION', label: 'Script version' },
  { value: 'CAMPAIGN', label: 'Campaign' },
  { value: 'HANDLED_BY', label: 'Bot/agent' },
];

const labelOf = (d: Dimension): string =>
  (DIMENSIONS.find((x) => x.value === d)?.label ?? d).toLowerCase();

export interface MainViewOptions {
  client: ApolloClient;
  principal: Principal;
  /** Leave the dashboard; `message` is shown on the login form. */
  onSignOut(message?: string): void;
}

/** Renders the dashboard into `root`; returns a function that stops polling and cleans up. */
export function renderMain(root: HTMLElement, opts: MainViewOptions): () => void {
  let by: Dimension = 'REGION';
  let lastDrawn = '';

  const live = h(
    'span',
    { class: 'live', 'data-testid': 'live' },
    h('span', { class: 'dot' }),
    'Connecting…',
  );
  const signOut = h(
    'button',
    { type: 'button', class: 'btn btn-ghost', 'data-testid': 'sign-out' },
    'Sign out',
  );
  const header = h(
    'header',
    { class: 'topbar' },
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark' }), h('h1', {}, 'Dialwise')),
    h(
      'div',
      { class: 'topbar-right' },
      live,
      h(
        'span',
        { class: 'who', title: `Signed in as ${opts.principal.name}` },
        h('span', { class: 'who-name' }, opts.principal.name),
        h('span', { class: 'role-badge', 'data-testid': 'role' }, opts.principal.role),
      ),
      signOut,
    ),
  );

  const banner = h('div', { class: 'banner', role: 'status', 'data-testid': 'banner' });
  banner.hidden = true;
  const cards = createKpiCards();

  const title = h('h2', {}, '');
  const select = h('select', { id: 'dimension', 'data-testid': 'dimension' });
  for (const d of DIMENSIONS) select.append(h('option', { value: d.value }, d.label));
  const chartEl = h('div', { class: 'chart', 'data-testid': 'kpi-chart', 'data-rows': '0' });
  const overlay = h('div', { class: 'chart-overlay', 'data-testid': 'chart-state' }, 'Loading…');
  const panel = h(
    'section',
    { class: 'panel' },
    h('div', { class: 'panel-head' }, title, h('label', { class: 'picker' }, 'Group by', select)),
    h('div', { class: 'chart-wrap' }, chartEl, overlay),
  );
  const setTitle = (): void => {
    title.textContent = `Calls and conversion rate by ${labelOf(by)}`;
  };
  setTitle();

  root.replaceChildren(
    h('div', { class: 'app' }, header, h('main', { class: 'content' }, banner, cards.el, panel)),
  );
  const chart = createKpiChart(chartEl);

  const showOverlay = (text: string | null, tone = ''): void => {
    overlay.textContent = text ?? '';
    overlay.hidden = text === null;
    overlay.className = `chart-overlay ${tone}`.trim();
  };
  const setBanner = (text: string | null, status = 'Reconnecting…'): void => {
    banner.textContent = text ?? '';
    banner.hidden = text === null;
    live.classList.toggle('is-stale', text !== null);
    live.lastChild!.textContent = text === null ? 'Live' : status;
  };

  const draw = (data: DashboardData): void => {
    setBanner(null);
    cards.update(data.totals);
    const snapshot = JSON.stringify([by, data.kpis]);
    if (data.kpis.length === 0 || data.totals.calls === 0) {
      chart.clear();
      showOverlay('No calls yet', 'is-empty');
    } else if (snapshot !== lastDrawn || overlay.hidden === false) {
      showOverlay(null);
      chart.render(data.kpis);
    }
    lastDrawn = snapshot;
  };

  const query = opts.client.watchQuery({
    query: DASHBOARD_QUERY,
    variables: { by },
    pollInterval: POLL_MS,
    fetchPolicy: 'network-only',
  });
  const subscription = query.subscribe({
    next(result) {
      if (result.error) {
        const kind = classifyError(result.error);
        if (kind === 'unauthenticated') opts.onSignOut('Your API key is no longer valid');
        else if (kind === 'forbidden') {
          // A role does not change while signed in: stop asking.
          query.stopPolling();
          setBanner(`The ${opts.principal.role} role may not read KPIs`, 'No access');
          showOverlay('No access to KPIs', 'is-empty');
        } else setBanner('Cannot reach the server, retrying…');
        return;
      }
      if (result.dataState === 'complete') draw(result.data);
      else if (result.loading) showOverlay('Loading…');
    },
  });

  select.addEventListener('change', () => {
    by = select.value as Dimension;
    setTitle();
    lastDrawn = '';
    showOverlay('Loading…');
    // Errors also reach the subscription above; the promise's copy is not needed.
    query.setVariables({ by }).catch(() => undefined);
  });
  signOut.addEventListener('click', () => opts.onSignOut());

  return () => {
    subscription.unsubscribe();
    query.stopPolling();
    chart.dispose();
  };
}
