// One customer's live 360° profile. The phone is masked unless the server
// returns it in full (compliance and admin only, audited there).
import { errorMessage } from '../../shell/graphql-client.js';
import { h } from '../../ui/dom.js';
import {
  formatAgo,
  formatDateTime,
  formatDecimal,
  formatInt,
  formatSeconds,
} from '../../ui/format.js';
import { CUSTOMER_QUERY } from '../../queries/customer-queries.js';
import { href } from '../../shell/hash-router.js';
import { badge } from '../../ui/badge.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import { dataTable, type Column } from '../../ui/table.js';
import type { CallSummary, Count, Customer, Field } from '../../queries/customer-queries.js';
import { canReview, type ViewContext } from '../../shell/view-context.js';
import { consentLedgerView } from '../compliance/consent-editor.js';

const kv = (fields: readonly Field[], testid: string): HTMLElement =>
  fields.length
    ? h(
        'dl',
        { class: 'kv', 'data-testid': testid },
        ...fields.flatMap((f) => [h('dt', {}, f.key), h('dd', {}, f.value ?? '—')]),
      )
    : h('p', { class: 'muted' }, 'None recorded.');

function counts(items: readonly Count[], label: string): HTMLElement {
  if (!items.length) return h('p', { class: 'muted' }, `No ${label} yet.`);
  const max = Math.max(...items.map((c) => c.count));
  return h(
    'ul',
    { class: 'count-list', 'aria-label': label },
    ...[...items]
      .sort((a, b) => b.count - a.count)
      .map((c) => {
        const fill = h('span');
        fill.style.width = `${(c.count / max) * 100}%`;
        return h(
          'li',
          {},
          h('span', {}, c.key),
          h('span', { class: 'meter', 'aria-hidden': 'true' }, fill),
          h('b', { class: 'align-right' }, String(c.count)),
        );
      }),
  );
}

const stat = (label: string, value: string, title?: string): HTMLElement =>
  h('div', { class: 'stat' }, h('dt', {}, label), h('dd', { title }, value));

/** Name (where it may be seen), id, phone (masked unless returned whole), tags and intent score. */
function identity(c: Customer): HTMLElement {
  const phone = c.phone
    ? h('span', { 'data-testid': 'profile-phone', 'data-masked': 'false' }, c.phone)
    : h(
        'span',
        {
          'data-testid': 'profile-phone',
          'data-masked': 'true',
          title: 'Full numbers are shown to the compliance role only',
        },
        c.phoneMasked ?? 'no phone',
        ' ',
        badge('masked'),
      );
  const scoreFill = h('span');
  scoreFill.style.width = `${Math.round(c.intentScore * 100)}%`;
  return h(
    'div',
    { class: 'profile-head' },
    c.name
      ? h('div', { class: 'avatar', 'aria-hidden': 'true' }, c.name.slice(0, 1).toUpperCase())
      : null,
    h(
      'div',
      {},
      h('h2', { class: 'profile-name', 'data-testid': 'profile-name' }, c.name ?? c.customerId),
      h(
        'p',
        { class: 'profile-sub' },
        c.name ? h('span', { class: 'mono' }, c.customerId) : null,
        phone,
      ),
      h(
        'div',
        { class: 'chips', 'data-testid': 'profile-tags' },
        ...(c.tags.length
          ? c.tags.map((t) => badge(t, 'accent'))
          : [h('span', { class: 'muted' }, 'No tags')]),
      ),
    ),
    h(
      'div',
      { class: 'score', 'data-testid': 'profile-score' },
      h('span', { class: 'field-hint' }, 'Intent score'),
      h('span', { class: 'score-value' }, formatDecimal(c.intentScore)),
      h(
        'span',
        {
          class: 'score-bar',
          role: 'img',
          'aria-label': `Intent score ${formatDecimal(c.intentScore)} of 1`,
        },
        scoreFill,
      ),
    ),
  );
}

function headPanel(c: Customer): HTMLElement {
  const head = panel('', { testid: 'profile' });
  head.head.remove();
  head.body.append(
    identity(c),
    h(
      'dl',
      { class: 'stat-grid' },
      stat('Calls', formatInt(c.calls)),
      stat('Answered', formatInt(c.answered)),
      stat('Touches, last 7 days', formatInt(c.contacts7d)),
      stat('Last call', formatAgo(c.lastCallAt), formatDateTime(c.lastCallAt)),
      stat('Web visits', formatInt(c.webVisits)),
      stat('Last visit', formatAgo(c.lastVisitAt), formatDateTime(c.lastVisitAt)),
      stat('Emotional valence', formatDecimal(c.valence), '−1 negative … +1 positive'),
      stat('Calls open now', formatInt(c.openCalls)),
    ),
  );
  return head.el;
}

/** The consent ledger with its proof; Grant / Withdraw for reviewers (the API checks the role). */
function consentPanel(c: Customer, ctx: ViewContext): HTMLElement {
  const consent = panel('Consent', {
    testid: 'profile-consent',
    subtitle: 'Per channel and purpose, with the proof of every change.',
  });
  consent.body.append(consentLedgerView(ctx, c).el);
  return consent.el;
}

/** CRM fields, and what the customer said (intents, objections, facts). */
function detailPanels(c: Customer): HTMLElement {
  const crm = panel('CRM fields', { testid: 'profile-crm' });
  crm.body.append(kv(c.crm, 'crm-fields'));
  if (c.crmUnmapped.length)
    crm.body.append(
      h('h3', { class: 'section-title' }, 'Unmapped'),
      kv(c.crmUnmapped, 'crm-unmapped'),
    );
  const talk = panel('Intents and objections', { testid: 'profile-intents' });
  talk.body.append(
    h('h3', { class: 'section-title' }, 'Intents'),
    counts(c.intents, 'intents'),
    h('h3', { class: 'section-title' }, 'Objections'),
    counts(c.objections, 'objections'),
  );
  if (c.facts.length)
    talk.body.append(h('h3', { class: 'section-title' }, 'Stated facts'), kv(c.facts, 'facts'));
  return h('div', { class: 'grid-2' }, crm.el, talk.el);
}

/** The recent calls' columns; a reviewer's link to the transcript and see the compliance hits. */
function callColumns(reviewer: boolean): Column<CallSummary>[] {
  const columns: Column<CallSummary>[] = [
    {
      id: 'started',
      label: 'Started',
      sort: (r) => r.startedAt ?? '',
      render: (r) =>
        h(
          'span',
          { class: 'nowrap', title: formatDateTime(r.startedAt) },
          formatDateTime(r.startedAt),
        ),
    },
    {
      id: 'call',
      label: 'Call',
      render: (r) =>
        reviewer
          ? h(
              'a',
              {
                href: href('compliance', 'call', r.callId),
                class: 'mono',
                title: 'Open the transcript',
              },
              r.callId,
            )
          : h('span', { class: 'mono' }, r.callId),
    },
    { id: 'campaign', label: 'Campaign', render: (r) => r.campaign ?? '—' },
    { id: 'product', label: 'Product', render: (r) => r.productLine ?? '—' },
    { id: 'script', label: 'Script', render: (r) => r.scriptVersion ?? '—' },
    { id: 'by', label: 'By', render: (r) => r.handledBy ?? '—' },
    {
      id: 'answered',
      label: 'Answered',
      render: (r) => (r.answered ? 'yes' : r.answered === false ? 'no' : '—'),
    },
    {
      id: 'outcome',
      label: 'Outcome',
      render: (r) =>
        r.outcome === 'converted'
          ? badge('converted', 'good')
          : r.outcome === 'complaint'
            ? badge('complaint', 'bad')
            : (r.outcome ?? '—'),
    },
    {
      id: 'duration',
      label: 'Duration',
      align: 'right',
      sort: (r) => r.durationSeconds ?? 0,
      render: (r) => (r.durationSeconds === null ? '—' : formatSeconds(r.durationSeconds)),
    },
    {
      id: 'intent',
      label: 'Intent',
      align: 'right',
      render: (r) => (r.intentScore === null ? '—' : formatDecimal(r.intentScore)),
    },
  ];
  // Compliance hits are the reviewers' business.
  if (reviewer)
    columns.push({
      id: 'hits',
      label: 'Hits',
      align: 'right',
      render: (r) => (r.complianceHits ? badge(String(r.complianceHits), 'bad') : '0'),
    });
  return columns;
}

function callsPanel(c: Customer, reviewer: boolean): HTMLElement {
  const calls = panel('Recent calls', {
    testid: 'profile-calls',
    subtitle: 'Newest first, at most 20.',
  });
  const table = dataTable<CallSummary>({
    caption: 'Recent calls',
    rowKey: (r) => r.callId,
    columns: callColumns(reviewer),
    sort: { id: 'started', dir: 'desc' },
    testid: 'recent-calls',
  });
  table.setRows(c.recentCalls);
  calls.body.append(
    c.recentCalls.length
      ? table.el
      : stateBox('empty', 'No calls yet', 'This customer has not been called.'),
  );

  return calls.el;
}

function render(c: Customer, ctx: ViewContext): HTMLElement[] {
  const reviewer = canReview(ctx.principal.role);
  return [headPanel(c), consentPanel(c, ctx), detailPanels(c), callsPanel(c, reviewer)];
}

export function mountProfile(root: HTMLElement, ctx: ViewContext, id: string): () => void {
  let alive = true;
  const back = h(
    'a',
    { href: href('customers'), class: 'btn btn-link back-link' },
    '← All customers',
  );
  const slot = h('div', { class: 'view' }, loading('Loading profile…'));
  root.append(h('div', { class: 'view-head' }, back), slot);
  ctx.client
    .query({ query: CUSTOMER_QUERY, variables: { id, full: canReview(ctx.principal.role) } })
    .then(({ data }) => {
      if (!alive) return;
      const c = data?.customer;
      slot.replaceChildren(
        ...(c
          ? render(c, ctx)
          : [
              h(
                'div',
                { class: 'panel empty-card' },
                stateBox('empty', 'No such customer', `There is no profile for ${id}.`),
              ),
            ]),
      );
    })
    .catch((err: unknown) => {
      if (alive)
        slot.replaceChildren(
          h(
            'div',
            { class: 'panel empty-card' },
            stateBox('error', 'The profile could not be loaded', errorMessage(err)),
          ),
        );
    });
  return () => {
    alive = false;
  };
}
