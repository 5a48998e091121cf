// The alert rule form: create or edit, saved with saveAlertRule. The server
// validates; its message is shown as it is.
import type { ApolloClient } from '@apollo/client';
import { errorMessage } from '../api.js';
import { button, field, h, select } from '../dom.js';
import { DIMENSION_LABELS, metricByName } from '../metrics.js';
import { SAVE_ALERT_RULE } from '../queries/alerts.js';
import type { AlertRule } from '../types.js';

/** What the alert runner can watch (src/analytics/alerts.ts); others the server names are kept. */
const ALERT_METRICS = [
  'calls',
  'connectRate',
  'conversionRate',
  'complaintRate',
  'transferRate',
  'avgTalkSeconds',
];
const ALERT_DIMENSIONS = [
  'REGION',
  'PRODUCT_LINE',
  'SCRIPT_VERSION',
  'CAMPAIGN',
  'HANDLED_BY',
] as const;
export const DIRECTIONS = [
  { value: 'both', label: 'Either way' },
  { value: 'drop', label: 'Drop' },
  { value: 'rise', label: 'Rise' },
];

export const metricLabel = (name: string): string => metricByName(name)?.label ?? name;
export const dimensionLabel = (dim: string | null): string =>
  dim === null ? 'Overall' : ((DIMENSION_LABELS as Record<string, string | undefined>)[dim] ?? dim);

export const BLANK: AlertRule = {
  id: '',
  metric: 'conversionRate',
  dimension: null,
  threshold: 0.2,
  direction: 'both',
  weeks: 4,
  cooldownMinutes: 60,
  minVolume: 20,
  enabled: true,
};

/** A number input's value: null when blank (the server's default then applies). */
const num = (el: HTMLInputElement): number | null =>
  el.value.trim() === '' ? null : Number(el.value);

export function ruleForm(
  client: ApolloClient,
  rule: AlertRule,
  isNew: boolean,
  done: (saved: AlertRule | null) => void,
): HTMLElement {
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
  const metrics = [...new Set([...ALERT_METRICS, rule.metric])];
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
      ...ALERT_DIMENSIONS.map((d) => ({ value: d, label: DIMENSION_LABELS[d] })),
    ],
    rule.dimension ?? '',
    { 'data-testid': 'rule-dimension' },
  );
  const numberInput = (name: string, value: number, step = '1') => {
    const el = h('input', {
      type: 'number',
      id: `rule-${name}`,
      step,
      'data-testid': `rule-${name}`,
    });
    el.value = String(value);
    return el;
  };
  const threshold = numberInput('threshold', Math.round(rule.threshold * 1000) / 10, '0.1');
  const direction = select('rule-direction', DIRECTIONS, rule.direction, {
    'data-testid': 'rule-direction',
  });
  const weeks = numberInput('weeks', rule.weeks);
  const cooldown = numberInput('cooldown', rule.cooldownMinutes);
  const minVolume = numberInput('min-volume', rule.minVolume);
  const enabled = h('input', {
    type: 'checkbox',
    id: 'rule-enabled',
    'data-testid': 'rule-enabled',
  });
  enabled.checked = rule.enabled;
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

  const form = h(
    'form',
    {
      class: 'rule-form',
      'aria-label': isNew ? 'New alert rule' : `Edit rule ${rule.id}`,
      novalidate: '',
      'data-testid': 'rule-form',
    },
    h('h3', { class: 'form-title' }, isNew ? 'New alert rule' : `Edit rule ${rule.id}`),
    h(
      'div',
      { class: 'form-grid' },
      field('Rule id', id),
      field('Metric', metric),
      field('Dimension', dimension, 'One alert per value, or overall'),
      field('Threshold (% off baseline)', threshold, 'Fires at this deviation'),
      field('Direction', direction),
      field('Baseline weeks', weeks, 'Same hour of past weeks'),
      field('Cooldown (minutes)', cooldown, 'Quiet time after a notice'),
      field('Minimum volume (calls)', minVolume, 'Calls needed in the hour'),
      h(
        'div',
        { class: 'field field-check' },
        enabled,
        h('label', { for: 'rule-enabled' }, 'Enabled'),
      ),
    ),
    error,
    h('div', { class: 'form-actions' }, save, cancel),
  );

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const pct = num(threshold);
    const input = {
      id: id.value.trim(),
      metric: metric.value,
      dimension: dimension.value || null,
      threshold: pct === null ? null : pct / 100,
      direction: direction.value,
      weeks: num(weeks),
      cooldownMinutes: num(cooldown),
      minVolume: num(minVolume),
      enabled: enabled.checked,
    };
    save.disabled = true;
    error.hidden = true;
    client
      .mutate({ mutation: SAVE_ALERT_RULE, variables: { rule: input as never } })
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
  queueMicrotask(() => (isNew ? id : metric).focus());
  return form;
}
