// A chart's drawing area with an overlay for its loading and empty states.
import { h } from './dom.js';

export interface ChartBox {
  wrap: HTMLElement;
  /** The element ECharts draws into. */
  canvas: HTMLElement;
  /** Shows a state over the chart, or removes it (null). */
  overlay(text: string | null, tone?: 'loading' | 'empty' | 'error'): void;
}

export function chartBox(testid: string, size: 'sm' | 'md' | 'lg' = 'md'): ChartBox {
  const canvas = h('div', { class: 'chart', 'data-testid': testid, 'data-rows': '0' });
  const over = h('div', { class: 'chart-overlay', 'data-testid': `${testid}-state` }, 'Loading…');
  return {
    wrap: h('div', { class: `chart-wrap chart-${size}` }, canvas, over),
    canvas,
    overlay(text, tone = 'loading') {
      over.textContent = text ?? '';
      over.hidden = text === null;
      over.className = `chart-overlay is-${tone}`;
      over.setAttribute('role', tone === 'error' ? 'alert' : 'status');
    },
  };
}
