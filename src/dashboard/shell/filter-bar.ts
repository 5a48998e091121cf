// Time range, hour/day buckets and the dimension filters, shared by the
// analytic views. The options come from the server (every value seen).
import type { ApolloClient } from '@apollo/client';
import { button, h } from '../ui/dom.js';
import { FILTERS, RANGES, type FilterState, type Range } from './range-filters.js';
import { DIMENSION_KEYS_QUERY } from '../queries/kpi-queries.js';
import { segmented } from '../ui/tabs.js';
import type { Bucket, KpiWhere } from '../queries/kpi-queries.js';
import type { ViewContext } from './view-context.js';

type Options = Partial<Record<keyof KpiWhere, string[]>>;
const options = new WeakMap<ApolloClient, Promise<Options>>();

/**
 * The filter values, asked once per session: one query per dimension, so
 * one that fails leaves the others usable (failures are asked again later).
 */
function filterOptions(client: ApolloClient): Promise<Options> {
  let p = options.get(client);
  if (!p) {
    p = Promise.all(
      FILTERS.map(async (f): Promise<[keyof KpiWhere, string[] | null]> => {
        try {
          const { data } = await client.query({
            query: DIMENSION_KEYS_QUERY,
            variables: { by: f.dim },
          });
          return [f.field, (data?.kpis ?? []).map((r) => r.key)];
        } catch {
          return [f.field, null];
        }
      }),
    ).then((entries) => {
      if (entries.some(([, keys]) => keys === null)) options.delete(client);
      return Object.fromEntries(entries.map(([k, keys]) => [k, keys ?? []])) as Options;
    });
    options.set(client, p);
  }
  return p;
}

export interface FilterBar {
  el: HTMLElement;
  destroy(): void;
}

export function createFilterBar(
  ctx: ViewContext,
  opts: { dimensions?: boolean; bucket?: boolean } = {},
): FilterBar {
  const { filters } = ctx;
  const range = segmented<Range>(
    'Time range',
    RANGES.map((r) => ({ value: r.value, label: r.label, testid: `range-${r.value}` })),
    filters.state.range,
    (value) => filters.set({ range: value }),
  );
  const bucket = segmented<Bucket>(
    'Trend buckets',
    [
      { value: 'HOUR', label: 'Hourly', testid: 'bucket-hour' },
      { value: 'DAY', label: 'Daily', testid: 'bucket-day' },
    ],
    filters.state.bucket,
    (value) => filters.set({ bucket: value }),
  );

  const selects = FILTERS.map((f) => {
    const el = h('select', {
      id: `filter-${f.field}`,
      'aria-label': f.label,
      'data-testid': `filter-${f.field}`,
    });
    el.append(h('option', { value: '' }, f.all));
    el.addEventListener('change', () => filters.setWhere(f.field, el.value || undefined));
    return { f, el };
  });
  const clear = button('Clear filters', () => filters.set({ where: {} }), {
    class: 'btn btn-link',
    'data-testid': 'filter-clear',
  });

  let loaded: Options | undefined;
  const fill = (data: Options | undefined): void => {
    loaded = data;
    for (const { f, el } of selects) {
      const current = filters.state.where[f.field] ?? '';
      const keys = new Set(data?.[f.field] ?? []);
      if (current) keys.add(current);
      el.replaceChildren(h('option', { value: '' }, f.all));
      for (const k of [...keys].sort()) el.append(h('option', { value: k }, k));
      el.value = current;
    }
  };
  const sync = (s: FilterState): void => {
    range.set(s.range);
    bucket.set(s.bucket);
    for (const { f, el } of selects) {
      if (![...el.options].some((o) => o.value === (s.where[f.field] ?? ''))) fill(loaded);
      el.value = s.where[f.field] ?? '';
      el.classList.toggle('is-set', Boolean(s.where[f.field]));
    }
    clear.hidden = Object.keys(s.where).length === 0;
  };

  const el = h(
    'div',
    { class: 'filter-bar', role: 'search', 'aria-label': 'Filters', 'data-testid': 'filters' },
    h('div', { class: 'filter-group' }, range.el, opts.bucket ? bucket.el : null),
    opts.dimensions === false
      ? null
      : h('div', { class: 'filter-group filter-dims' }, ...selects.map((s) => s.el), clear),
  );
  sync(filters.state);
  if (opts.dimensions !== false)
    filterOptions(ctx.client)
      .then((data) => {
        fill(data);
        sync(filters.state);
      })
      .catch(() => undefined); // The selects keep "All …"; the view shows its own errors.
  const off = filters.subscribe(sync);
  return { el, destroy: off };
}
