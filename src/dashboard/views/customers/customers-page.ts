// Customers: look one up by id, or browse them by intent score (optionally
// with a tag); #/customers/<id> opens the profile.
import { errorMessage } from '../../shell/graphql-client.js';
import { button, field, h } from '../../ui/dom.js';
import { formatAgo, formatDateTime, formatDecimal, formatInt } from '../../ui/format.js';
import { CUSTOMERS_QUERY } from '../../queries/customer-queries.js';
import { href, type Route } from '../../shell/hash-router.js';
import { badge } from '../../ui/badge.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import { dataTable, type Column } from '../../ui/table.js';
import type { CustomerListItem } from '../../queries/customer-queries.js';
import type { MountView, ViewContext } from '../../shell/view-context.js';
import { mountProfile } from './customer-profile.js';

const PAGE = 25;
let lastTag = '';

function scoreCell(score: number): HTMLElement {
  const fill = h('span');
  fill.style.width = `${Math.round(score * 100)}%`;
  return h(
    'span',
    { class: 'nowrap' },
    h('span', { class: 'meter', 'aria-hidden': 'true' }, fill),
    formatDecimal(score),
  );
}

const COLUMNS: Column<CustomerListItem>[] = [
  {
    id: 'id',
    label: 'Customer',
    render: (c) => h('a', { href: href('customers', c.customerId), class: 'mono' }, c.customerId),
  },
  { id: 'score', label: 'Intent score', render: (c) => scoreCell(c.intentScore) },
  {
    id: 'tags',
    label: 'Tags',
    render: (c) => h('span', { class: 'chips' }, ...c.tags.map((t) => badge(t, 'accent'))),
  },
  { id: 'calls', label: 'Calls', align: 'right', render: (c) => formatInt(c.calls) },
  {
    id: 'last',
    label: 'Last call',
    render: (c) =>
      h('span', { title: formatDateTime(c.lastCallAt), class: 'nowrap' }, formatAgo(c.lastCallAt)),
  },
];

/** Opens a customer by its id (#/customers/<id>). */
function lookupForm(): HTMLElement {
  const idInput = h('input', {
    type: 'text',
    id: 'customer-id',
    placeholder: 'cust-000123',
    spellcheck: 'false',
    autocomplete: 'off',
    'data-testid': 'customer-id',
  });
  const lookup = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Open a customer' },
    field('Customer ID', idInput),
    h(
      'button',
      { type: 'submit', class: 'btn btn-primary', 'data-testid': 'customer-open' },
      'Open profile',
    ),
  );
  lookup.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = idInput.value.trim();
    if (!id) {
      idInput.setAttribute('aria-invalid', 'true');
      idInput.focus();
      return;
    }
    window.location.hash = href('customers', id);
  });
  return lookup;
}

/** The tag filter: an input offering the tags seen so far (`tags`), kept across visits. */
function tagFilter() {
  const tag = h('input', {
    type: 'text',
    id: 'customer-tag',
    placeholder: 'any tag',
    list: 'customer-tags',
    spellcheck: 'false',
    'data-testid': 'customer-tag',
  });
  tag.value = lastTag;
  const tags = h('datalist', { id: 'customer-tags' });
  const tagForm = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Filter by tag' },
    field('Only with the tag', tag),
    h('button', { type: 'submit', class: 'btn btn-ghost' }, 'Apply'),
    tags,
  );
  return { tag, tags, tagForm };
}

function mountList(root: HTMLElement, ctx: ViewContext): () => void {
  let alive = true;
  const lookup = lookupForm();
  const { tag, tags, tagForm } = tagFilter();
  const list = panel('Customers by intent score', {
    testid: 'customer-list',
    subtitle: 'Highest first. Select one to open the profile, or open one by its ID.',
  });
  const slot = h('div', {}, loading('Loading customers…'));
  const more = button('Load more', () => void load(true), { 'data-testid': 'customers-more' });
  const shown = h('span');
  list.body.append(
    h('div', { class: 'toolbar' }, lookup, tagForm),
    slot,
    h('div', { class: 'panel-foot' }, shown, more),
  );
  root.append(list.el);

  const table = dataTable<CustomerListItem>({
    caption: 'Customers by intent score',
    rowKey: (c) => c.customerId,
    testid: 'customers-table',
    onRowClick: (c) => (window.location.hash = href('customers', c.customerId)),
    columns: COLUMNS,
  });

  let rows: CustomerListItem[] = [];
  let cursor: string | null = null;
  let generation = 0;
  async function load(append = false): Promise<void> {
    const mine = append ? generation : ++generation;
    if (!append) slot.replaceChildren(loading('Loading customers…'));
    more.disabled = true;
    try {
      const { data } = await ctx.client.query({
        query: CUSTOMERS_QUERY,
        variables: { tag: tag.value.trim() || null, limit: PAGE, after: append ? cursor : null },
      });
      if (!alive || mine !== generation || !data) return;
      const page = data.customers;
      rows = append ? [...rows, ...page.customers] : page.customers;
      cursor = page.nextCursor;
      table.setRows(rows);
      const seen = [...new Set(rows.flatMap((r) => r.tags))].sort();
      tags.replaceChildren(...seen.map((t) => h('option', { value: t })));
      slot.replaceChildren(
        rows.length
          ? table.el
          : stateBox(
              'empty',
              tag.value ? `No customer has the tag “${tag.value}”` : 'No customers yet',
              'Profiles appear as CRM records and calls come in.',
            ),
      );
      shown.textContent = rows.length ? `${formatInt(rows.length)} shown` : '';
      more.hidden = cursor === null;
      list.setError(null);
    } catch (err) {
      if (!alive || mine !== generation) return;
      list.setError(`Cannot load customers: ${errorMessage(err)}`);
      if (!append)
        slot.replaceChildren(stateBox('error', 'Customers could not be loaded', errorMessage(err)));
    } finally {
      more.disabled = false;
    }
  }
  tagForm.addEventListener('submit', (e) => {
    e.preventDefault();
    lastTag = tag.value.trim();
    void load();
  });
  void load();
  return () => {
    alive = false;
  };
}

export const mountCustomers: MountView = (root, ctx, route) => {
  let teardown = (): void => undefined;
  const show = (r: Route): void => {
    teardown();
    root.replaceChildren();
    const id = r.rest[0];
    teardown = id ? mountProfile(root, ctx, id) : mountList(root, ctx);
    window.scrollTo(0, 0);
  };
  show(route);
  return { update: show, destroy: () => teardown() };
};
