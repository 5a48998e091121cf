// Calls the dialing rules refused or flagged at /dialog/turn: counts by rule
// over the range, then the latest violations with why (each read audited);
// then the agents live agent assist warned, per agent.
import { errorMessage } from '../../shell/graphql-client.js';
import { href } from '../../shell/hash-router.js';
import { rangeStart } from '../../shell/range-filters.js';
import { createFilterBar } from '../../shell/filter-bar.js';
import { h } from '../../ui/dom.js';
import { formatAgo, formatDateTime, formatInt } from '../../ui/format.js';
import { DIALING_VIOLATIONS_QUERY } from '../../queries/compliance-queries.js';
import type {
  AgentWarningCount,
  DialingViolation,
  RuleCount,
} from '../../queries/compliance-queries.js';
import { badge } from '../../ui/badge.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import { dataTable, type Column } from '../../ui/table.js';
import type { ViewContext } from '../../shell/view-context.js';

const LATEST = 100;
const NONE = [
  'No dialing violations',
  'No call in this range broke the do-not-call, consent, cap or calling-window rules, and no agent made a forbidden promise.',
] as const;

/** Refused: the bot ended the call; flagged: it went on (enforcement "flag"). */
const modeBadge = (mode: string): HTMLElement =>
  mode === 'refused'
    ? badge('refused', 'bad', 'The bot ended the call')
    : badge('flagged', 'warn', 'The call went on (enforcement: flag)');

const COUNT_COLUMNS: Column<RuleCount>[] = [
  { id: 'rule', label: 'Rule', render: (r) => badge(r.rule, 'warn') },
  { id: 'count', label: 'Calls', align: 'right', render: (r) => formatInt(r.count) },
  { id: 'refused', label: 'Refused', align: 'right', render: (r) => formatInt(r.refused) },
  { id: 'flagged', label: 'Flagged', align: 'right', render: (r) => formatInt(r.flagged) },
];

/** Agents' turns that broke the compliance rules: each was warned on the agent's desktop as said. */
const AGENT_COLUMNS: Column<AgentWarningCount>[] = [
  {
    id: 'agent',
    label: 'Agent',
    render: (a) => h('span', { class: 'mono' }, a.agent ?? '(unnamed)'),
  },
  { id: 'turns', label: 'Turns warned', align: 'right', render: (a) => formatInt(a.turns) },
  { id: 'hits', label: 'Promises', align: 'right', render: (a) => formatInt(a.hits) },
  { id: 'calls', label: 'Calls', align: 'right', render: (a) => formatInt(a.calls) },
];

const COLUMNS: Column<DialingViolation>[] = [
  {
    id: 'ts',
    label: 'When',
    render: (v) => h('span', { class: 'nowrap', title: formatDateTime(v.ts) }, formatAgo(v.ts)),
  },
  { id: 'rule', label: 'Rule', render: (v) => badge(v.rule, 'warn') },
  { id: 'mode', label: 'Outcome', render: (v) => modeBadge(v.mode) },
  { id: 'call', label: 'Call', render: (v) => h('span', { class: 'mono' }, v.callId) },
  {
    id: 'customer',
    label: 'Customer',
    render: (v) => h('a', { class: 'mono', href: href('customers', v.customerId) }, v.customerId),
  },
  { id: 'campaign', label: 'Campaign', render: (v) => v.campaign ?? 'default' },
  { id: 'detail', label: 'Why', render: (v) => v.detail },
];

export interface ViolationsTab {
  el: HTMLElement;
  destroy(): void;
}

export function createViolationsTab(ctx: ViewContext): ViolationsTab {
  let generation = 0;
  const bar = createFilterBar(ctx, { dimensions: false });
  const p = panel('Dialing violations', {
    testid: 'dialing-violations',
    subtitle: `Calls the dialing rules refused or flagged at their turn: counts by rule, then the latest ${LATEST}; agents warned live of a forbidden promise.`,
    actions: [bar.el],
  });
  const slot = h('div', {}, loading('Loading dialing violations…'));
  const counts = dataTable<RuleCount>({
    caption: 'Dialing violations by rule',
    rowKey: (r) => r.rule,
    testid: 'violation-counts',
    columns: COUNT_COLUMNS,
  });
  const agents = dataTable<AgentWarningCount>({
    caption: 'Agents warned live of a forbidden promise',
    rowKey: (a) => a.agent ?? '',
    testid: 'agent-warnings',
    columns: AGENT_COLUMNS,
  });
  const table = dataTable<DialingViolation>({
    caption: 'Latest dialing violations',
    rowKey: (v) => v.id,
    testid: 'violations-table',
    columns: COLUMNS,
  });
  p.body.append(slot);

  async function load(): Promise<void> {
    const mine = ++generation;
    slot.replaceChildren(loading('Loading dialing violations…'));
    try {
      const { data } = await ctx.client.query({
        query: DIALING_VIOLATIONS_QUERY,
        variables: { from: rangeStart(ctx.filters.state.range), limit: LATEST },
      });
      if (mine !== generation || !data) return;
      counts.setRows(data.dialingViolationCounts);
      table.setRows(data.dialingViolations);
      agents.setRows(data.agentWarnings);
      const parts = [
        ...(data.dialingViolations.length ? [counts.el, table.el] : []),
        ...(data.agentWarnings.length ? [agents.el] : []),
      ];
      slot.replaceChildren(
        parts.length ? h('div', { class: 'stack' }, ...parts) : stateBox('empty', ...NONE),
      );
      p.setError(null);
    } catch (err) {
      if (mine !== generation) return;
      p.setError(`Cannot load dialing violations: ${errorMessage(err)}`);
      slot.replaceChildren(
        stateBox('error', 'Dialing violations could not be loaded', errorMessage(err)),
      );
    }
  }

  const off = ctx.filters.subscribe(() => void load());
  void load();
  return {
    el: p.el,
    destroy() {
      off();
      bar.destroy();
    },
  };
}
