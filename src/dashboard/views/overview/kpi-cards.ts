// The headline KPI cards: the catalogue's card KPIs (dials, rates, talk
// time, cost, contacts), in its order, with its labels, formats and limits.
import { h } from '../../ui/dom.js';
import { formatInt } from '../../ui/format.js';
import {
  CARD_KPIS,
  formatKpi,
  KPIS,
  type KpiDefinition,
  type KpiName,
} from '../../../analytics/kpis/kpi-catalogue.js';
import type { KpiRow } from '../../queries/kpi-queries.js';

const count = (n: number, one: string, many = `${one}s`): string =>
  `${formatInt(n)} ${n === 1 ? one : many}`;

/** What a card says under its value (a KPI without one says nothing). */
const NOTES: Partial<Record<KpiName, (r: KpiRow) => string>> = {
  calls: (r) => `${formatInt(r.answered)} answered`,
  connectRate: (r) => `${formatInt(r.answered)} of ${formatInt(r.calls)}`,
  conversionRate: (r) => count(r.conversions, 'conversion'),
  abandonRate: (r) => `${formatInt(r.abandoned)} abandoned`,
  transferRate: (r) => `${formatInt(r.transfers)} to agents`,
  complaintRate: (r) => count(r.complaints, 'complaint'),
  avgTalkSeconds: () => 'answered calls',
  costPerConversion: () => 'bot + agent time',
  contactsPerCustomer: (r) => (r.customersSampled ? 'sampled 1 in 16' : 'dials each'),
};

export interface KpiCards {
  el: HTMLElement;
  update(row: KpiRow | undefined): void;
  loading(): void;
}

export function createKpiCards(): KpiCards {
  const parts = CARD_KPIS.map((key) => {
    // Card labels fit a ninth of a laptop screen; the full name is the card's title.
    const m: KpiDefinition = KPIS[key];
    const value = h('span', { class: 'kpi-value' }, '—');
    const note = h('span', { class: 'kpi-note' });
    const card = h(
      'div',
      { class: 'kpi is-loading', 'data-testid': `kpi-${key}`, title: `${m.label}: ${m.help}` },
      h('span', { class: 'kpi-label' }, m.card ?? m.label),
      value,
      note,
    );
    return { key, card, value, note, limit: m.warnAbove };
  });
  return {
    el: h('section', { class: 'kpis', 'aria-label': 'Key figures' }, ...parts.map((p) => p.card)),
    update(row) {
      for (const { key, card, value, note, limit } of parts) {
        const v = row ? row[key] : 0;
        value.textContent = row ? formatKpi(key, v) : '—';
        card.dataset['value'] = String(v);
        note.textContent = row ? (NOTES[key]?.(row) ?? '') : 'no calls';
        card.classList.remove('is-loading');
        card.classList.toggle('is-warn', row !== undefined && limit !== undefined && v > limit);
      }
    },
    loading() {
      for (const p of parts) p.card.classList.add('is-loading');
    },
  };
}
