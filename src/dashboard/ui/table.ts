// A data table with sortable columns (header buttons, aria-sort) and,
// optionally, rows that open something (click, Enter or Space).
import { append, h, type Child } from './dom.js';

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

const cellClass = (c: Column<unknown>, emphasis: string | undefined): string =>
  `align-${c.align ?? 'left'}${c.id === emphasis ? ' is-emphasis' : ''}`;

/** A column head: a sort button where the column sorts (a click flips or starts its order). */
function headCell<T>(
  c: Column<T>,
  sort: { id: string; dir: SortDir } | undefined,
  emphasis: string | undefined,
  sortBy: (id: string, dir: SortDir) => void,
): HTMLElement {
  const dir = sort?.id === c.id ? sort.dir : undefined;
  const th = h('th', {
    scope: 'col',
    class: cellClass(c as Column<unknown>, emphasis),
    title: c.title,
    'aria-sort': c.sort ? (dir ? (dir === 'asc' ? 'ascending' : 'descending') : 'none') : undefined,
  });
  if (!c.sort) {
    th.append(c.label);
    return th;
  }
  const b = h(
    'button',
    { type: 'button', class: 'sort-btn', 'data-sort': c.id },
    c.label,
    h(
      'span',
      { class: 'sort-mark', 'aria-hidden': 'true' },
      dir ? (dir === 'asc' ? '▲' : '▼') : '↕',
    ),
  );
  b.addEventListener('click', () => {
    const first: SortDir = c.align === 'right' ? 'desc' : 'asc';
    sortBy(c.id, dir === 'desc' ? 'asc' : dir ? 'desc' : first);
  });
  th.append(b);
  return th;
}

/** `rows` in the column's order (numbers as numbers, text with numeric runs). */
function sortRows<T>(
  rows: readonly T[],
  columns: Column<T>[],
  sort?: { id: string; dir: SortDir },
) {
  const key = columns.find((c) => c.id === sort?.id)?.sort;
  if (!key || !sort) return rows;
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
}

/** Makes a row open something on a click (not on its own buttons and links), Enter or Space. */
function clickable(tr: HTMLElement, open: () => void): void {
  tr.tabIndex = 0;
  tr.classList.add('is-clickable');
  tr.addEventListener('click', (e) => {
    // Buttons and links in a row do their own thing.
    if ((e.target as HTMLElement).closest('button, a, input, select')) return;
    open();
  });
  tr.addEventListener('keydown', (e) => {
    if (e.target !== tr || (e.key !== 'Enter' && e.key !== ' ')) return;
    e.preventDefault();
    open();
  });
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
    const cells = opts.columns.map((c) => headCell(c, sort, emphasis, api.sortBy));
    thead.replaceChildren(h('tr', {}, ...cells));
  };
  const drawBody = (): void => {
    tbody.replaceChildren(
      ...sortRows(rows, opts.columns, sort).map((row) => {
        const key = opts.rowKey(row);
        const tr = h('tr', { 'data-key': key });
        if (opts.onRowClick) clickable(tr, () => opts.onRowClick!(row));
        if (key === selected) tr.setAttribute('aria-current', 'true');
        for (const c of opts.columns) {
          const td = h('td', { class: cellClass(c as Column<unknown>, emphasis) });
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
