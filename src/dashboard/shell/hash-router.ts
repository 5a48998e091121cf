// Hash routes: #/overview, #/breakdown, #/customers/<id>, … (the API key
// never travels in them: it is taken out of the fragment at load).

export type ViewName =
  'overview' | 'breakdown' | 'experiments' | 'alerts' | 'compliance' | 'customers' | 'models';

export const VIEWS: { name: ViewName; label: string }[] = [
  { name: 'overview', label: 'Overview' },
  { name: 'breakdown', label: 'Breakdown' },
  { name: 'experiments', label: 'Experiments' },
  { name: 'alerts', label: 'Alerts' },
  { name: 'compliance', label: 'Compliance' },
  { name: 'customers', label: 'Customers' },
  { name: 'models', label: 'Models' },
];

export interface Route {
  view: ViewName;
  /** Path segments after the view, decoded. */
  rest: string[];
}

/** `#/customers/cust-1` → customers, [cust-1]; `#alerts` (Slack's links) works too. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').split(/[?&]/)[0] ?? '';
  const [head, ...rest] = path.split('/').filter(Boolean);
  const view = VIEWS.find((v) => v.name === head)?.name ?? 'overview';
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
