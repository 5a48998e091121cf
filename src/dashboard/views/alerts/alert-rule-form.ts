// The alert rule form: create or edit, saved with saveAlertRule. The server
// validates; its message is shown as it is.
import type { ApolloClient } from '@apollo/client';
import { errorMessage } from '../../shell/graphql-client.js';
import { button, field, h, select } from '../../ui/dom.js';
import {
  ALERT_KPIS,
  DIMENSION_CATALOGUE,
  FILTER_DIMENSIONS,
  kpiByName,
} from '../../../analytics/kpis/kpi-catalogue.js';
import { SAVE_ALERT_RULE } from '../../queries/alert-queries.js';
import type { AlertRule, AlertRuleInput } from '../../queries/alert-queries.js';
import type { AlertDimension, AlertDirection, AlertMetric } from '../../queries/graphql-types.js';

export const DIRECTIONS = [
  { value: 'both', label: 'Either way' },
  { value: 'drop', label: 'Drop' },
  { value: 'rise', label: 'Rise' },
];

export const metricLabel = (name: string): string => kpiByName(name)?.label ?? name;
export const dimensionLabel = (dim: string | null): string =>
  dim === null
    ? 'Overall'
    : ((DIMENSION_CATALOGUE as Record<string, { label: string } | undefined>)[dim]?.label ?? dim);

export const BLANK: AlertRule = {
  id: '',
  metric: 'conversionRate',
  dimension: null,
  threshold: 0.2,
  direction: 'both',
  weeks: 4,
  cooldownMinutes: 60,
  minVolume: 20,
  minZ: 4,
  enabled: true,
};

/** A number input's value: null when blank (the server's default then applies). */
const num = (el: HTMLInputElement): number | null =>
  el.value.trim() === '' ? null : Number(el.value);

const numberInput = (name: string, value: number, step = '1'): HTMLInputElement => {
  const el = h('input', {
    type: 'number',
    id: `rule-${name}`,
    step,
    'data-testid': `rule-${name}`,
  });
  el.value = String(value);
  return el;
};

/** The form's inputs, filled from `rule` (its id fixed unless the rule is new). */
function ruleInputs(rule: AlertRule, isNew: boolean) {
  const id = h('input', {
    type: 'text',
    id: 'rule-id',
    required: '',
    spellcheck: 'false',
    placeholder: 'e.g. complaints-by-campaign',
    'data-testid': 'rule-id',
  });
  id.value = rule.id;
  id.readOnly = !isNew;
  // What the alert runner can watch (the catalogue's alertable KPIs); one the server names is kept.
  const metrics = [...new Set<string>([...ALERT_KPIS, rule.metric])];
  const metric = select(
    'rule-metric',
    metrics.map((m) => ({ value: m, label: metricLabel(m) })),
    rule.metric,
    { 'data-testid': 'rule-metric' },
  );
  const dimension = select(
    'rule-dimension',
    [
      { value: '', label: 'Overall' },
      ...FILTER_DIMENSIONS.map((d) => ({ value: d, label: DIMENSION_CATALOGUE[d].label })),
    ],
    rule.dimension ?? '',
    { 'data-testid': 'rule-dimension' },
  );
  const enabled = h('input', {
    type: 'checkbox',
    id: 'rule-enabled',
    'data-testid': 'rule-enabled',
  });
  enabled.checked = rule.enabled;
  return {
    id,
    metric,
    dimension,
    threshold: numberInput('threshold', Math.round(rule.threshold * 1000) / 10, '0.1'),
    direction: select('rule-direction', DIRECTIONS, rule.direction, {
      'data-testid': 'rule-direction',
    }),
    weeks: numberInput('weeks', rule.weeks),
    cooldown: numberInput('cooldown', rule.cooldownMinutes),
    minVolume: numberInput('min-volume', rule.minVolume),
    minZ: numberInput('min-z', rule.minZ, '0.1'),
    enabled,
  };
}
type RuleInputs = ReturnType<typeof ruleInputs>;

/** The rule as the inputs hold it; blank numbers are null (the server's defaults apply). */
function readRule(i: RuleInputs): AlertRuleInput {
  const pct = num(i.threshold);
  return {
    id: i.id.value.trim(),
    metric: i.metric.value as AlertMetric,
    dimension: (i.dimension.value || null) as AlertDimension | null,
    threshold: pct === null ? null : pct / 100,
    direction: i.direction.value as AlertDirection,
    weeks: num(i.weeks),
    cooldownMinutes: num(i.cooldown),
    minVolume: num(i.minVolume),
    minZ: num(i.minZ),
    enabled: i.enabled.checked,
  };
}

const formGrid = (i: RuleInputs): HTMLElement =>
  h(
    'div',
    { class: 'form-grid' },
    field('Rule id', i.id),
    field('Metric', i.metric),
    field('Dimension', i.dimension, 'One alert per value, or overall'),
    field('Threshold (% off baseline)', i.threshold, 'Fires at this deviation'),
    field('Direction', i.direction),
    field('Baseline weeks', i.weeks, 'Same hour of past weeks'),
    field('Cooldown (minutes)', i.cooldown, 'Quiet time after a notice'),
    field('Minimum volume (calls)', i.minVolume, 'Calls needed in the hour'),
    field('Significance (z)', i.minZ, 'Standard errors a rate must be off'),
    h(
      'div',
      { class: 'field field-check' },
      i.enabled,
      h('label', { for: 'rule-enabled' }, 'Enabled'),
    ),
  );

export function ruleForm(
  client: ApolloClient,
  rule: AlertRule,
  isNew: boolean,
  done: (saved: AlertRule | null) => void,
): HTMLElement {
  const inputs = ruleInputs(rule, isNew);
  const error = h('div', {
    class: 'banner banner-error',
    role: 'alert',
    'data-testid': 'rule-error',
  });
  error.hidden = true;
  const save = h(
    'button',
    { type: 'submit', class: 'btn btn-primary', 'data-testid': 'rule-save' },
    isNew ? 'Create rule' : 'Save rule',
  );
  const cancel = button('Cancel', () => done(null));
  const title = isNew ? 'New alert rule' : `Edit rule ${rule.id}`;
  const form = h(
    'form',
    { class: 'rule-form', 'aria-label': title, novalidate: '', 'data-testid': 'rule-form' },
    h('h3', { class: 'form-title' }, title),
    formGrid(inputs),
    error,
    h('div', { class: 'form-actions' }, save, cancel),
  );

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save.disabled = true;
    error.hidden = true;
    client
      .mutate({ mutation: SAVE_ALERT_RULE, variables: { rule: readRule(inputs) } })
      .then(({ data }) => {
        if (!data) throw new Error('no answer');
        done(data.saveAlertRule);
      })
      .catch((err: unknown) => {
        error.textContent = `Not saved: ${errorMessage(err)}`;
        error.hidden = false;
        save.disabled = false;
      });
  });
  queueMicrotask(() => (isNew ? inputs.id : inputs.metric).focus());
  return form;
}
