// Corrections (agent, compliance and admin roles): after a call an agent
// opens it, fixes the text, intent or slots the bot misheard turn by turn,
// sees what changed, and sees which corrections the next retrain learns
// from. Other roles get a no-access state and nothing is asked for them.
import { errorMessage } from '../../shell/graphql-client.js';
import { href } from '../../shell/hash-router.js';
import type { MountView } from '../../shell/view-context.js';
import { field, h } from '../../ui/dom.js';
import { formatDateTime, formatInt } from '../../ui/format.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import {
  CALLS_TO_CORRECT_QUERY,
  NEXT_RETRAIN_QUERY,
  type CallToCorrect,
} from '../../queries/correction-queries.js';
import type { Principal } from '../../queries/app-queries.js';
import { callPanel } from './call-panel.js';
import { retrainSummary } from './correction-list.js';

/** Roles that may open calls to correct (the server's CORRECTORS). */
export const canCorrect = (role: string): boolean =>
  role === 'agent' || role === 'compliance' || role === 'admin';

const locked = (principal: Principal): HTMLElement =>
  h(
    'div',
    { class: 'panel empty-card', 'data-testid': 'corrections-locked' },
    stateBox(
      'locked',
      'Corrections need the agent role',
      `You are signed in as ${principal.name} with the ${principal.role} role. Agents, compliance and admin correct calls; ask an admin for an agent key.`,
    ),
  );

/** Opens a call by its id (#/corrections/<id>). */
function openForm(): HTMLElement {
  const input = h('input', {
    type: 'text',
    id: 'correction-call-id',
    placeholder: 'call-20261120-0001',
    spellcheck: 'false',
    autocomplete: 'off',
    'data-testid': 'correction-call-id',
  });
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Open a call' },
    field('Call ID', input),
    h(
      'button',
      { type: 'submit', class: 'btn btn-primary', 'data-testid': 'correction-open' },
      'Open call',
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = input.value.trim();
    if (id) window.location.hash = href('corrections', id);
    else input.focus();
  });
  return form;
}

const recentRows = (calls: readonly CallToCorrect[]): HTMLElement =>
  h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table', 'data-testid': 'calls-to-correct' },
      h('caption', { class: 'sr-only' }, 'Recent calls'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Call', 'Started', 'Campaign', 'Customer turns', 'Corrections'].map((l) =>
            h('th', { scope: 'col' }, l),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...calls.map((c) =>
          h(
            'tr',
            { 'data-call': c.callId },
            h('td', {}, h('a', { href: href('corrections', c.callId), class: 'mono' }, c.callId)),
            h('td', { class: 'nowrap' }, formatDateTime(c.startedAt)),
            h('td', {}, c.campaign ?? '—'),
            h('td', { class: 'align-right' }, formatInt(c.customerTurns)),
            h('td', { class: 'align-right' }, formatInt(c.corrections)),
          ),
        ),
      ),
    ),
  );

export const mountCorrections: MountView = (root, ctx, route) => {
  if (!canCorrect(ctx.principal.role)) {
    root.append(locked(ctx.principal));
    return { destroy() {} };
  }
  let alive = true;
  const recent = panel('Recent calls', { testid: 'recent-calls' });
  const retrain = panel('Next retrain', {
    testid: 'next-retrain',
    subtitle: 'The corrections the weekly retrain will learn from',
  });
  const loadRecent = async (): Promise<void> => {
    try {
      const { data } = await ctx.client.query({
        query: CALLS_TO_CORRECT_QUERY,
        variables: { limit: 20 },
        fetchPolicy: 'network-only',
      });
      if (!alive) return;
      const calls = data?.callsToCorrect ?? [];
      recent.body.replaceChildren(
        calls.length ? recentRows(calls) : stateBox('empty', 'No calls with customer turns yet'),
      );
    } catch (err) {
      if (alive)
        recent.body.replaceChildren(stateBox('error', 'Cannot list calls', errorMessage(err)));
    }
  };
  const loadRetrain = async (): Promise<void> => {
    try {
      const { data } = await ctx.client.query({
        query: NEXT_RETRAIN_QUERY,
        variables: { limit: 20 },
        fetchPolicy: 'network-only',
      });
      if (alive && data) retrain.body.replaceChildren(retrainSummary(data.nextRetrainCorrections));
    } catch (err) {
      if (alive)
        retrain.body.replaceChildren(
          stateBox('error', 'Cannot read the corrections', errorMessage(err)),
        );
    }
  };
  const call = callPanel(ctx, () => void Promise.all([loadRecent(), loadRetrain()]));
  recent.body.append(loading('Loading calls…'));
  retrain.body.append(loading('Loading…'));
  root.append(
    h(
      'div',
      { class: 'view-head' },
      h(
        'div',
        {},
        h('h2', { class: 'view-title' }, 'Corrections'),
        h(
          'p',
          { class: 'view-lead' },
          'Fix what the bot misheard after a call, turn by turn. Every call opened is written to the audit log.',
        ),
      ),
      openForm(),
    ),
    call.el,
    h('div', { class: 'grid-2' }, recent.el, retrain.el),
  );
  call.open(route.rest[0] ?? null);
  void loadRecent();
  void loadRetrain();
  return {
    update(next) {
      call.open(next.rest[0] ?? null);
    },
    destroy() {
      alive = false;
    },
  };
};
