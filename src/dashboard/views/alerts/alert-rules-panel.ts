// Alert rules: the list, with the form to create or edit one.
import type { ApolloClient } from '@apollo/client';
import { classifyError, errorMessage } from '../../shell/graphql-client.js';
import { button, h } from '../../ui/dom.js';
import { ALERT_RULES_QUERY } from '../../queries/alert-queries.js';
import { badge } from '../../ui/badge.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import { dataTable, type Column } from '../../ui/table.js';
import type { AlertRule } from '../../queries/alert-queries.js';
import { BLANK, DIRECTIONS, dimensionLabel, metricLabel, ruleForm } from './alert-rule-form.js';

export interface RulesPanel {
  el: HTMLElement;
}

/** The rules table's columns, each row with its Edit button. */
function ruleColumns(edit: (rule: AlertRule) => void): Column<AlertRule>[] {
  return [
    {
      id: 'id',
      label: 'Rule',
      sort: (r) => r.id,
      render: (r) => h('span', { class: 'mono' }, r.id),
    },
    {
      id: 'metric',
      label: 'Metric',
      sort: (r) => metricLabel(r.metric),
      render: (r) => metricLabel(r.metric),
    },
    {
      id: 'dimension',
      label: 'Dimension',
      sort: (r) => dimensionLabel(r.dimension),
      render: (r) => dimensionLabel(r.dimension),
    },
    {
      id: 'threshold',
      label: 'Threshold',
      align: 'right',
      sort: (r) => r.threshold,
      render: (r) => `${Math.round(r.threshold * 1000) / 10}%`,
    },
    {
      id: 'direction',
      label: 'Direction',
      render: (r) => DIRECTIONS.find((d) => d.value === r.direction)?.label ?? r.direction,
    },
    { id: 'weeks', label: 'Weeks', align: 'right', render: (r) => String(r.weeks) },
    {
      id: 'cooldown',
      label: 'Cooldown',
      align: 'right',
      render: (r) => `${r.cooldownMinutes} min`,
    },
    { id: 'minVolume', label: 'Min volume', align: 'right', render: (r) => String(r.minVolume) },
    { id: 'minZ', label: 'Min z', align: 'right', render: (r) => String(r.minZ) },
    {
      id: 'enabled',
      label: 'State',
      render: (r) => (r.enabled ? badge('enabled', 'good') : badge('disabled')),
    },
    {
      id: 'edit',
      label: '',
      align: 'right',
      render: (r) =>
        button('Edit', () => edit(r), {
          class: 'btn btn-ghost btn-sm',
          'aria-label': `Edit rule ${r.id}`,
          'data-testid': `rule-edit-${r.id}`,
        }),
    },
  ];
}

export function createRulesPanel(client: ApolloClient, onSignedOut: () => void): RulesPanel {
  const notice = h('div', {
    class: 'banner banner-ok',
    role: 'status',
    'data-testid': 'rule-saved',
  });
  notice.hidden = true;
  const formSlot = h('div');
  const listSlot = h('div', {}, loading('Loading rules…'));
  const open = (rule: AlertRule, isNew: boolean): void => {
    notice.hidden = true;
    formSlot.replaceChildren(
      ruleForm(client, rule, isNew, (saved) => {
        formSlot.replaceChildren();
        if (saved) {
          notice.textContent = `Saved rule ${saved.id}.`;
          notice.hidden = false;
          void load();
        }
      }),
    );
  };
  const p = panel('Alert rules', {
    testid: 'alert-rules',
    subtitle: 'Evaluated every minute on the last 60 minutes against the same hour of past weeks.',
    actions: [
      button('New rule', () => open({ ...BLANK }, true), {
        class: 'btn btn-primary btn-sm',
        'data-testid': 'rule-new',
      }),
    ],
  });
  const table = dataTable<AlertRule>({
    caption: 'Alert rules',
    rowKey: (r) => r.id,
    testid: 'rules-table',
    sort: { id: 'id', dir: 'asc' },
    columns: ruleColumns((r) => open(r, false)),
  });
  p.body.append(notice, formSlot, listSlot);

  async function load(): Promise<void> {
    try {
      const { data } = await client.query({ query: ALERT_RULES_QUERY });
      const rules = data?.alertRules ?? [];
      table.setRows(rules);
      listSlot.replaceChildren(
        rules.length ? table.el : stateBox('empty', 'No alert rules', 'Create one to watch a KPI.'),
      );
      p.setError(null);
    } catch (err) {
      if (classifyError(err) === 'unauthenticated') return onSignedOut();
      p.setError(`Cannot load the rules: ${errorMessage(err)}`);
      listSlot.replaceChildren();
    }
  }
  void load();
  return { el: p.el };
}
