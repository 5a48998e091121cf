// Generated replies (config/generation.json): how many lines the policy let
// generate, how many were spoken, why the template was said instead, and
// the tokens per call they cost.
import type { ApolloClient } from '@apollo/client';
import { errorMessage } from '../../shell/graphql-client.js';
import { h } from '../../ui/dom.js';
import { formatInt, formatPercent } from '../../ui/format.js';
import { panel } from '../../ui/panel.js';
import { stateBox } from '../../ui/states.js';
import { dataTable } from '../../ui/table.js';
import { GENERATION_STATS_QUERY, type GenerationStats } from '../../queries/generation-queries.js';

const stat = (label: string, value: string, testid: string): HTMLElement =>
  h('dl', { class: 'stat', 'data-testid': testid }, h('dt', {}, label), h('dd', {}, value));

function view(s: GenerationStats): HTMLElement[] {
  if (s.asked === 0)
    return [
      stateBox(
        'empty',
        'No generated replies in this range',
        'They appear once DIALWISE_GENERATION_URL names a model and callers ask what no template covers.',
      ),
    ];
  const table = dataTable<GenerationStats['fallbacks'][number]>({
    caption: 'Template said instead, by cause',
    rowKey: (f) => f.cause,
    testid: 'generation-fallbacks',
    columns: [
      { id: 'cause', label: 'Template said instead because', render: (f) => f.cause },
      { id: 'count', label: 'Turns', align: 'right', render: (f) => formatInt(f.count) },
    ],
  });
  table.setRows(s.fallbacks);
  return [
    h(
      'div',
      { class: 'stat-grid' },
      stat('Lines asked', formatInt(s.asked), 'generation-asked'),
      stat('Spoken', formatPercent(s.spoken / s.asked), 'generation-spoken'),
      stat('Tokens per call', s.tokensPerCall.toFixed(1), 'generation-tokens'),
      stat('Calls', formatInt(s.calls), 'generation-calls'),
    ),
    table.el,
  ];
}

/** The panel, and how to load it for a range's start. */
export function generationPanel(client: ApolloClient) {
  const p = panel('Generated replies', {
    testid: 'generation-panel',
    subtitle: 'Lines a model wrote under the compliance gate, and the template fallbacks',
  });
  return {
    el: p.el,
    async load(from: string | null): Promise<void> {
      try {
        const { data } = await client.query({ query: GENERATION_STATS_QUERY, variables: { from } });
        if (data) p.body.replaceChildren(...view(data.generationStats));
      } catch (err) {
        p.body.replaceChildren(stateBox('error', 'Could not load', errorMessage(err)));
      }
    },
  };
}
