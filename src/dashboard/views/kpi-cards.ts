// The headline KPI cards: dials, rates, talk time, cost, contacts.
import { h } from '../dom.js';
import { formatInt } from '../format.js';
import { CARD_METRICS, formatMetric, METRICS, type MetricKey } from '../metrics.js';
import type { KpiRow } from '../types.js';

/** Card labels fit a ninth of a laptop screen; the full name is the card's title. */
const LABELS: Partial<Record<MetricKey, string>> = {
  conversionRate: 'Conversion',
  abandonRate: 'Abandonment',
  avgTalkSeconds: 'Avg talk time',
  costPerConversion: 'Cost / conv.',
  contactsPerCustomer: 'Contacts / cust.',
};

const count = (n: number, one: string, many = `${one}s`): string =>
  `${formatInt(n)} ${n === 1 ? one : many}`;

const NOTES: Partial<Record<MetricKey, (r: KpiRow) => string>> = {
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

/** Where a lower number is good: warn once it passes this. */
const WARN_ABOVE: Partial<Record<MetricKey, number>> = {
  abandonRate: 0.03,
  complaintRate: 0.05,
};

export interface KpiCards {
  el: HTMLElement;
  update(row: KpiRow | undefined): void;
  loading(): void;
}

export function createKpiCards(): KpiCards {
  const parts = CARD_METRICS.map((key) => {
    const m = METRICS[key];
    const value = h('span', { class: 'kpi-value' }, '—');
    const note = h('span', { class: 'kpi-note' });
    const card = h(
      'div',
      { class: 'kpi is-loading', 'data-testid': `kpi-${key}`, title: `${m.label}: ${m.help}` },
      h('span', { class: 'kpi-label' }, LABELS[key] ?? m.label),
      value,
      note,
    );
    return { key, card, value, note };
  });
  return {
    el: h('section', { class: 'kpis', 'aria-label': 'Key figures' }, ...parts.map((p) => p.card)),
    update(row) {
      for (const { key, card, value, note } of parts) {
        const v = row ? row[key] : 0;
        value.textContent = row ? formatMetric(key, v) : '—';
        card.dataset['value'] = String(v);
        note.textContent = row ? (NOTES[key]?.(row) ?? '') : 'no calls';
        card.classList.remove('is-loading');
        const limit = WARN_ABOVE[key];
        card.classList.toggle('is-warn', row !== undefined && limit !== undefined && v > limit);
      }
    },
    loading() {
      for (const p of parts) p.card.classList.add('is-loading');
    },
  };
}
