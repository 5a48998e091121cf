// Model versions in the registry: metrics, data hash, parent, and the
// champion / challenger aliases and which version this process serves.
import { button, h } from '../../ui/dom.js';
import { errorMessage } from '../../shell/graphql-client.js';
import { formatDateTime } from '../../ui/format.js';
import { MODELS_QUERY } from '../../queries/app-queries.js';
import { badge } from '../../ui/badge.js';
import { createBanner } from '../../ui/banner.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import { dataTable } from '../../ui/table.js';
import type { ModelVersion } from '../../queries/app-queries.js';
import type { MountView } from '../../shell/view-context.js';

const ALIAS_TONE: Record<string, 'good' | 'info' | 'accent'> = {
  champion: 'good',
  challenger: 'info',
};

/** Metrics are strings on the wire: show numbers with three decimals. */
const metricText = (value: string | null): string => {
  if (value === null) return '—';
  const n = Number(value);
  return Number.isFinite(n) && /^-?[\d.e+-]+$/i.test(value) && !Number.isInteger(n)
    ? n.toFixed(3)
    : value;
};

function modelCard(name: string, versions: ModelVersion[]): HTMLElement {
  const served = versions.find((v) => v.served);
  const p = panel(name, {
    testid: `model-${name}`,
    subtitle: `${versions.length} version${versions.length === 1 ? '' : 's'}${served ? ` · serving v${served.version}` : ' · none served'}`,
  });
  const table = dataTable<ModelVersion>({
    caption: `Versions of ${name}`,
    rowKey: (v) => String(v.version),
    sort: { id: 'version', dir: 'desc' },
    testid: 'model-versions',
    columns: [
      {
        id: 'version',
        label: 'Version',
        sort: (v) => v.version,
        render: (v) => h('b', {}, `v${v.version}`),
      },
      {
        id: 'aliases',
        label: 'Aliases',
        render: (v) =>
          h(
            'span',
            { class: 'chips' },
            ...v.aliases.map((a) => badge(a, ALIAS_TONE[a] ?? 'accent')),
            v.served ? badge('served', 'accent', 'The version this process serves now') : null,
            !v.aliases.length && !v.served ? h('span', { class: 'muted' }, '—') : null,
          ),
      },
      {
        id: 'metrics',
        label: 'Metrics',
        render: (v) =>
          h(
            'span',
            { class: 'metric-chips' },
            ...v.metrics.map((m) =>
              h('span', { class: 'metric-chip' }, m.key, h('b', {}, metricText(m.value))),
            ),
          ),
      },
      {
        id: 'created',
        label: 'Created',
        sort: (v) => v.created,
        render: (v) => h('span', { class: 'nowrap' }, formatDateTime(v.created)),
      },
      { id: 'parent', label: 'Parent', render: (v) => (v.parent === null ? '—' : `v${v.parent}`) },
      {
        id: 'data',
        label: 'Data',
        render: (v) =>
          h(
            'span',
            { class: 'chips' },
            h(
              'span',
              { class: 'mono', title: `SHA-256 of the training data: ${v.dataSha256}` },
              v.dataSha256.slice(0, 10),
            ),
            v.mlflowRunUrl
              ? h(
                  'a',
                  { href: v.mlflowRunUrl, target: '_blank', rel: 'noopener noreferrer' },
                  'MLflow run',
                )
              : null,
          ),
      },
    ],
  });
  table.setRows(versions);
  p.body.append(table.el);
  return p.el;
}

export const mountModels: MountView = (root, ctx) => {
  let alive = true;
  const banner = createBanner();
  const list = h(
    'div',
    { class: 'model-list', 'data-testid': 'models' },
    loading('Loading models…'),
  );
  const load = async (): Promise<void> => {
    try {
      const { data } = await ctx.client.query({ query: MODELS_QUERY });
      if (!alive) return;
      const byModel = new Map<string, ModelVersion[]>();
      for (const v of data?.models ?? [])
        byModel.set(v.model, [...(byModel.get(v.model) ?? []), v]);
      banner.set(null);
      list.replaceChildren(
        ...(byModel.size
          ? [...byModel.entries()].map(([name, versions]) => modelCard(name, versions))
          : [
              h(
                'div',
                { class: 'panel empty-card' },
                stateBox(
                  'empty',
                  'No model versions yet',
                  'Versions appear once `dialwise retrain` (or `dialwise train`) registers one; until then the keyword models serve.',
                ),
              ),
            ]),
      );
    } catch (err) {
      if (!alive) return;
      banner.set(`Cannot load the models: ${errorMessage(err)}`);
      list.replaceChildren(
        h(
          'div',
          { class: 'panel empty-card' },
          stateBox('error', 'Models could not be loaded', errorMessage(err)),
        ),
      );
    }
  };
  root.append(
    h(
      'div',
      { class: 'view-head' },
      h(
        'div',
        {},
        h('h2', { class: 'view-title' }, 'Model versions'),
        h(
          'p',
          { class: 'view-lead' },
          'The registry’s versions with their evaluation metrics; the champion is promoted when it beats the last one on the frozen test set.',
        ),
      ),
      button('Refresh', () => void load(), {
        class: 'btn btn-ghost btn-sm',
        'data-testid': 'models-refresh',
      }),
    ),
    banner.el,
    list,
  );
  void load();
  return {
    destroy() {
      alive = false;
    },
  };
};
