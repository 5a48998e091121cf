// Hash routes: #/overview, #/breakdown, #/customers/<id>, … (the API key
// never travels in them: it is taken out of the fragment at load).

import type { KpiWhere } from '../queries/kpi-queries.js';
import { FILTERS, RANGES, type Range } from './range-filters.js';

export type ViewName =
  | 'overview'
  | 'breakdown'
  | 'experiments'
  | 'alerts'
  | 'compliance'
  | 'customers'
  | 'models'
  | 'scripts'
  | 'corrections';

export const VIEWS: { name: ViewName; label: string }[] = [
  { name: 'overview', label: 'Overview' },
  { name: 'breakdown', label: 'Breakdown' },
  { name: 'experiments', label: 'Experiments' },
  { name: 'alerts', label: 'Alerts' },
  { name: 'compliance', label: 'Compliance' },
  { name: 'customers', label: 'Customers' },
  { name: 'models', label: 'Models' },
  { name: 'scripts', label: 'Scripts' },
  { name: 'corrections', label: 'Corrections' },
];

/** The views a role opens: an agent only corrects calls. */
export const viewsFor = (role: string): typeof VIEWS =>
  role === 'agent' ? VIEWS.filter((v) => v.name === 'corrections') : VIEWS;

export interface Route {
  view: ViewName;
  /** Path segments after the view, decoded. */
  rest: string[];
}

/**
 * `#/customers/cust-1` → customers, [cust-1]; `#alerts` (Slack's links)
 * works too; a view not among `views` opens the first of them.
 */
export function parseRoute(hash: string, views = VIEWS): Route {
  const path = hash.replace(/^#\/?/, '').split(/[?&]/)[0] ?? '';
  const [head, ...rest] = path.split('/').filter(Boolean);
  const view = views.find((v) => v.name === head)?.name ?? views[0]!.name;
  return { view, rest: view === head ? rest.map(safeDecode) : [] };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export const href = (view: ViewName, ...rest: string[]): string =>
  `#/${[view, ...rest].map(encodeURIComponent).join('/')}`;

/**
 * The filters a link asks for after its `?` (`#/overview?range=7d&region=east`,
 * what an alert's Slack message links to): a known range and the KPI
 * filters by their field names; null when the link names none.
 */
export function hashFilters(hash: string): { range?: Range; where: KpiWhere } | null {
  const query = hash.split('?')[1];
  if (!query) return null;
  const params = new URLSearchParams(query);
  const range = RANGES.find((r) => r.value === params.get('range'))?.value;
  const where: KpiWhere = {};
  for (const { field } of FILTERS) {
    const value = params.get(field);
    if (value) where[field] = value.slice(0, 128);
  }
  if (!range && Object.keys(where).length === 0) return null;
  return { ...(range && { range }), where };
}
