// A data table with sortable columns (header buttons, aria-sort) and,
// optionally, rows that open something (click, Enter or Space).
import { append, h, type Child } from '../dom.js';

export interface Column<T> {
  id: string;
  label: string;
  title?: string;
  align?: 'left' | 'right' | 'center';
  /** Makes the column sortable by this value. */
  sort?: (row: T) => number | string;
  render: (row: T) => Child;
}

export type SortDir = 'asc' | 'desc';

export interface TableOptions<T> {
  columns: Column<T>[];
  /** Read by screen readers only. */
  caption: string;
  rowKey: (row: T) => string;
  onRowClick?: (row: T) => void;
  sort?: { id: string; dir: SortDir };
  testid?: string;
  /** Marks one column's cells (the metric in focus). */
  emphasis?: string;
}

export interface DataTable<T> {
  el: HTMLElement;
  setRows(rows: readonly T[]): void;
  setSelected(key: string | null): void;
  setEmphasis(columnId: string | undefined): void;
  sortBy(id: string, dir: SortDir): void;
}

export function dataTable<T>(opts: TableOptions<T>): DataTable<T> {
  let rows: readonly T[] = [];
  let sort = opts.sort;
  let selected: string | null = null;
  let emphasis = opts.emphasis;
  const thead = h('thead');
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'data-table', 'data-testid': opts.testid },
    h('caption', { class: 'sr-only' }, opts.caption),
    thead,
    tbody,
  );

  const drawHead = (): void => {
    const tr = h('tr');
    for (const c of opts.columns) {
      const active = sort?.id === c.id;
      const th = h('th', {
        scope: 'col',
        class: `align-${c.align ?? 'left'}${c.id === emphasis ? ' is-emphasis' : ''}`,
        title: c.title,
        'aria-sort': c.sort
          ? active
            ? sort!.dir === 'asc'
              ? 'ascending'
              : 'descending'
            : 'none'
          : undefined,
      });
      if (c.sort) {
        const b = h(
          'button',
          { type: 'button', class: 'sort-btn', 'data-sort': c.id },
          c.label,
          h(
            'span',
            { class: 'sort-mark', 'aria-hidden': 'true' },
            active ? (sort!.dir === 'asc' ? '▲' : '▼') : '↕',
          ),
        );
        b.addEventListener('click', () => {
          const dir: SortDir =
            active && sort!.dir === 'desc'
              ? 'asc'
              : active
                ? 'desc'
                : c.align === 'right'
                  ? 'desc'
                  : 'asc';
          api.sortBy(c.id, dir);
        });
        th.append(b);
      } else th.append(c.label);
      tr.append(th);
    }
    thead.replaceChildren(tr);
  };

  const sorted = (): readonly T[] => {
    const col = opts.columns.find((c) => c.id === sort?.id);
    if (!col?.sort || !sort) return rows;
    const key = col.sort;
    const sign = sort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const cmp =
        typeof x === 'number' && typeof y === 'number'
          ? x - y
          : String(x).localeCompare(String(y), undefined, { numeric: true });
      return cmp * sign;
    });
  };

  const drawBody = (): void => {
    tbody.replaceChildren(
      ...sorted().map((row) => {
        const key = opts.rowKey(row);
        const tr = h('tr', { 'data-key': key });
        if (opts.onRowClick) {
          tr.tabIndex = 0;
          tr.classList.add('is-clickable');
          tr.addEventListener('click', (e) => {
            // Buttons and links in a row do their own thing.
            if ((e.target as HTMLElement).closest('button, a, input, select')) return;
            opts.onRowClick!(row);
          });
          tr.addEventListener('keydown', (e) => {
            if (e.target !== tr || (e.key !== 'Enter' && e.key !== ' ')) return;
            e.preventDefault();
            opts.onRowClick!(row);
          });
        }
        if (key === selected) tr.setAttribute('aria-current', 'true');
        for (const c of opts.columns) {
          const td = h('td', {
            class: `align-${c.align ?? 'left'}${c.id === emphasis ? ' is-emphasis' : ''}`,
          });
          append(td, c.render(row));
          tr.append(td);
        }
        return tr;
      }),
    );
  };

  const api: DataTable<T> = {
    el: h('div', { class: 'table-wrap' }, table),
    setRows(next) {
      rows = next;
      drawBody();
    },
    setSelected(key) {
      selected = key;
      for (const tr of tbody.querySelectorAll('tr')) {
        if (tr.dataset['key'] === key) tr.setAttribute('aria-current', 'true');
        else tr.removeAttribute('aria-current');
      }
    },
    setEmphasis(id) {
      emphasis = id;
      drawHead();
      drawBody();
    },
    sortBy(id, dir) {
      sort = { id, dir };
      drawHead();
      drawBody();
    },
  };
  drawHead();
  return api;
}
