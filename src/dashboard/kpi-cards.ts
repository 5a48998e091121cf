// The six headline numbers above the chart.
import type { Totals } from './api.js';
import { formatInt, formatPercent, h } from './dom.js';

interface CardSpec {
  name: string;
  label: string;
  value(t: Totals): string;
  raw(t: Totals): number;
  note?(t: Totals): string;
  warn?(t: Totals): boolean;
}

const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

const CARDS: CardSpec[] = [
  {
    name: 'total-calls',
    label: 'Total calls',
    value: (t) => formatInt(t.calls),
    raw: (t) => t.calls,
  },
  {
    name: 'answered',
    label: 'Answered',
    value: (t) => formatInt(t.answered),
    raw: (t) => t.answered,
    note: (t) => `${formatPercent(ratio(t.answered, t.calls))} of calls`,
  },
  {
    name: 'conversions',
    label: 'Conversions',
    value: (t) => formatInt(t.conversions),
    raw: (t) => t.conversions,
  },
  {
    name: 'conversion-rate',
    label: 'Conversion rate',
    value: (t) => formatPercent(t.conversionRate),
    raw: (t) => t.conversionRate,
  },
  {
    name: 'events-ingested',
    label: 'Events ingested',
    value: (t) => formatInt(t.eventsIngested),
    raw: (t) => t.eventsIngested,
  },
  {
    name: 'dead-letters',
    label: 'Dead letters',
    value: (t) => formatInt(t.deadLetters),
    raw: (t) => t.deadLetters,
    note: (t) => `${formatPercent(ratio(t.deadLetters, t.eventsIngested))} of events`,
    warn: (t) => t.deadLetters > 0,
  },
];

export interface KpiCards {
  el: HTMLElement;
  update(totals: Totals): void;
}

export function createKpiCards(): KpiCards {
  const parts = CARDS.map((spec) => {
    const value = h('span', { class: 'kpi-value' }, '—');
    const note = h('span', { class: 'kpi-note' });
    const card = h(
      'div',
      { class: 'kpi is-loading', 'data-testid': `kpi-${spec.name}` },
      h('span', { class: 'kpi-label' }, spec.label),
      value,
      note,
    );
    return { spec, card, value, note };
  });
  return {
    el: h('section', { class: 'kpis', 'aria-label': 'Key figures' }, ...parts.map((p) => p.card)),
    update(totals) {
      for (const { spec, card, value, note } of parts) {
        value.textContent = spec.value(totals);
        card.dataset['value'] = String(spec.raw(totals));
        note.textContent = spec.note?.(totals) ?? '';
        card.classList.remove('is-loading');
        card.classList.toggle('is-warn', spec.warn?.(totals) ?? false);
      }
    },
  };
}
