// Before rollout: a candidate script policy (JSON, docs/off-policy.md)
// estimated on the decisions the live engine logged, each estimate with its
// 95% interval next to what the logged policy achieved.
import { errorMessage } from '../../shell/graphql-client.js';
import { RANGES, rangeStart, type Range } from '../../shell/range-filters.js';
import type { ViewContext } from '../../shell/view-context.js';
import { field, h, select } from '../../ui/dom.js';
import { formatInt, formatPercent } from '../../ui/format.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import { dataTable } from '../../ui/table.js';
import { POLICY_EVALUATION_QUERY, type PolicyEvaluation } from '../../queries/policy-queries.js';

/** config/policies/pitch-benefit.json: a starting point to edit. */
const EXAMPLE = {
  name: 'pitch-benefit',
  node: 'product_pitch',
  rules: [{ when: { tagsAny: ['price_sensitive'] }, probs: { benefit: 0.8, default: 0.2 } }],
  default: { benefit: 0.7, default: 0.3 },
};

interface Row {
  label: string;
  value: number;
  lo: number;
  hi: number;
}

const ESTIMATOR_LABELS: Record<string, string> = {
  ips: 'IPS',
  snips: 'SNIPS',
  dr: 'Doubly robust',
};

function resultView(r: PolicyEvaluation): HTMLElement {
  const rows: Row[] = [
    { label: 'Logged policy (observed)', value: r.loggedValue, lo: r.loggedLo, hi: r.loggedHi },
    ...r.estimates.map((e) => ({ ...e, label: ESTIMATOR_LABELS[e.estimator] ?? e.estimator })),
  ];
  const table = dataTable<Row>({
    caption: `${r.policy} on ${r.node}`,
    rowKey: (x) => x.label,
    testid: 'policy-estimates',
    columns: [
      { id: 'label', label: 'Policy / estimator', render: (x) => x.label },
      { id: 'value', label: 'Conversion', align: 'right', render: (x) => formatPercent(x.value) },
      {
        id: 'interval',
        label: `${Math.round(r.level * 100)}% interval`,
        align: 'right',
        render: (x) => `${formatPercent(x.lo)} … ${formatPercent(x.hi)}`,
      },
    ],
  });
  table.setRows(rows);
  const summary =
    `${formatInt(r.n)} logged decisions of ${r.node} (logged under ${r.loggedPolicies.join(', ')})` +
    (r.ess === null ? '' : `; effective sample size ${formatInt(Math.round(r.ess))}`);
  return h(
    'div',
    { 'data-testid': 'policy-result' },
    h('p', { class: 'field-hint' }, summary),
    table.el,
    r.support ? stateBox('error', 'The log cannot estimate this policy', r.support) : null,
  );
}

export function policyPanel(ctx: ViewContext): { el: HTMLElement } {
  const text = h('textarea', {
    id: 'policy-json',
    class: 'policy-json',
    rows: '10',
    spellcheck: 'false',
    'data-testid': 'policy-json',
  });
  text.value = JSON.stringify(EXAMPLE, null, 2);
  const range = select(
    'policy-range',
    RANGES.map((r) => ({ value: r.value, label: r.long })),
    '7d',
    { 'data-testid': 'policy-range' },
  );
  const submit = h(
    'button',
    { type: 'submit', class: 'btn btn-primary', 'data-testid': 'policy-run' },
    'Evaluate',
  );
  const out = h(
    'div',
    {},
    stateBox('empty', 'Paste a policy and evaluate it', 'Format: docs/off-policy.md.'),
  );
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Policy evaluation' },
    field('Policy (JSON)', text, 'One script node; probabilities per variant sum to 1 per row'),
    field('Decisions logged in', range, undefined, 'field-narrow'),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    out.replaceChildren(loading('Evaluating…'));
    const from = rangeStart(range.value as Range) ?? new Date(0).toISOString();
    const variables = { policy: text.value, from, to: new Date().toISOString() };
    ctx.client
      .query({ query: POLICY_EVALUATION_QUERY, variables, fetchPolicy: 'no-cache' })
      .then(({ data }) => data && out.replaceChildren(resultView(data.policyEvaluation)))
      .catch((err: unknown) =>
        out.replaceChildren(
          stateBox('error', 'The policy could not be evaluated', errorMessage(err)),
        ),
      );
  });
  const p = panel('Evaluate a script policy before rollout', {
    testid: 'policy-evaluation',
    subtitle: 'Off-policy estimates (IPS, SNIPS, doubly robust) from the live decision log',
  });
  p.body.append(form, out);
  return { el: p.el };
}
