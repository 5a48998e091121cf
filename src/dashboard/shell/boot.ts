// Dialwise dashboard: sign in with an API key, then the views behind hash
// routes (#/overview, #/breakdown, …), each loading and following its data.
import type { ApolloClient } from '@apollo/client';
import { classifyError, createClient } from './graphql-client.js';
import { clearKey, readKey, storeKey, takeKeyFromFragment } from './auth-key.js';
import { h } from '../ui/dom.js';
import { Filters } from './range-filters.js';
import { renderLogin } from './login-form.js';
import { ME_QUERY } from '../queries/app-queries.js';
import { hashFilters, parseRoute, VIEWS, viewsFor, type ViewName } from './hash-router.js';
import { createShell } from './app-shell.js';
import type { Principal } from '../queries/app-queries.js';
import type { MountView, View, ViewContext } from './view-context.js';
import { mountAlerts } from '../views/alerts/alerts-page.js';
import { mountBreakdown } from '../views/breakdown/breakdown-page.js';
import { mountCompliance } from '../views/compliance/compliance-page.js';
import { mountCustomers } from '../views/customers/customers-page.js';
import { mountExperiments } from '../views/experiments/experiments-page.js';
import { mountModels } from '../views/models/models-page.js';
import { mountOverview } from '../views/overview/overview-page.js';
import { mountScripts } from '../views/scripts/scripts-page.js';
import { mountCorrections } from '../views/corrections/corrections-page.js';

const MOUNTS: Record<ViewName, MountView> = {
  overview: mountOverview,
  breakdown: mountBreakdown,
  experiments: mountExperiments,
  alerts: mountAlerts,
  compliance: mountCompliance,
  customers: mountCustomers,
  models: mountModels,
  scripts: mountScripts,
  corrections: mountCorrections,
};

/** Roles that may read the dashboard's data (dialer keys may not; agents see Corrections only). */
const DASHBOARD_ROLES = ['analyst', 'data_scientist', 'compliance', 'admin', 'agent'];

const root = document.getElementById('app')!;
let session: { client: ApolloClient; teardown: () => void } | null = null;

function endSession(): void {
  if (!session) return;
  session.teardown();
  session.client.stop();
  void session.client.clearStore();
  session = null;
}

function showLogin(error?: string): void {
  endSession();
  renderLogin(root, { error, onSubmit: signIn });
}

function signOut(message?: string): void {
  clearKey();
  showLogin(message);
}

/** The signed-in app: shell plus the view the hash names; returns its teardown. */
function renderApp(client: ApolloClient, principal: Principal): () => void {
  const shell = createShell(principal, () => signOut());
  root.replaceChildren(shell.el);
  const ctx: ViewContext = {
    client,
    principal,
    filters: new Filters(),
    setLive: shell.setLive,
    signOut,
  };
  let current: { name: ViewName; view: View } | null = null;

  const views = viewsFor(principal.role);
  const show = (): void => {
    const route = parseRoute(window.location.hash, views);
    if (!/^#\//.test(window.location.hash))
      window.history.replaceState(window.history.state, '', `#/${route.view}`);
    // A link with filters (an alert's, from Slack) opens the view filtered so.
    const asked = hashFilters(window.location.hash);
    if (asked) ctx.filters.set(asked);
    if (current?.name === route.view && current.view.update) return current.view.update(route);
    current?.view.destroy();
    shell.setLive('none');
    shell.setActive(route.view);
    const outlet = h('div', {
      class: 'view',
      'data-view': route.view,
      'data-testid': `view-${route.view}`,
    });
    shell.outlet.replaceChildren(outlet);
    document.title = `${VIEWS.find((v) => v.name === route.view)!.label} · Dialwise`;
    current = { name: route.view, view: MOUNTS[route.view](outlet, ctx, route) };
  };
  window.addEventListener('hashchange', show);
  show();
  return () => {
    window.removeEventListener('hashchange', show);
    current?.view.destroy();
    current = null;
  };
}

/** Validates `key` with `{ me }`; resolves to an error message, or null once signed in. */
async function signIn(key: string): Promise<string | null> {
  const client = createClient(key);
  try {
    const { data } = await client.query({ query: ME_QUERY, fetchPolicy: 'network-only' });
    if (!data) throw new Error('empty response');
    if (!DASHBOARD_ROLES.includes(data.me.role)) {
      // Every view would be refused: say so once, before asking for anything.
      client.stop();
      clearKey();
      return `The ${data.me.role} role may not use the dashboard`;
    }
    storeKey(key);
    endSession();
    session = { client, teardown: renderApp(client, data.me) };
    return null;
  } catch (error) {
    client.stop();
    switch (classifyError(error)) {
      case 'unauthenticated':
        clearKey();
        return 'Invalid API key';
      case 'forbidden':
        clearKey();
        return 'This API key may not use the dashboard';
      default:
        return 'Cannot reach the server. Try again.';
    }
  }
}

async function boot(): Promise<void> {
  takeKeyFromFragment();
  const key = readKey();
  if (!key) {
    showLogin();
    return;
  }
  endSession();
  root.replaceChildren(h('p', { class: 'splash' }, 'Signing in…'));
  const error = await signIn(key);
  if (error !== null) showLogin(error);
}

// A `#key=...` link opened while the page is already up signs in with that key.
window.addEventListener('hashchange', () => {
  if (/^#(.*&)?key=/.test(window.location.hash)) void boot();
});

void boot();
