// A titled card that holds one chart, table or form.
import { h, type Child } from './dom.js';

export interface Panel {
  el: HTMLElement;
  head: HTMLElement;
  title: HTMLElement;
  body: HTMLElement;
  /** Shows `message` as an inline error above the body, or clears it. */
  setError(message: string | null): void;
}

export function panel(
  title: string,
  opts: { actions?: Child[]; testid?: string; class?: string; subtitle?: string } = {},
): Panel {
  const heading = h('h2', {}, title);
  const error = h('div', { class: 'banner banner-error', role: 'alert' });
  error.hidden = true;
  const head = h(
    'div',
    { class: 'panel-head' },
    h(
      'div',
      { class: 'panel-title' },
      heading,
      opts.subtitle ? h('p', { class: 'panel-subtitle' }, opts.subtitle) : null,
    ),
    h('div', { class: 'panel-actions' }, ...(opts.actions ?? [])),
  );
  const body = h('div', { class: 'panel-body' });
  const el = h(
    'section',
    { class: `panel ${opts.class ?? ''}`.trim(), 'data-testid': opts.testid },
    head,
    error,
    body,
  );
  return {
    el,
    head,
    title: heading,
    body,
    setError(message) {
      error.textContent = message ?? '';
      error.hidden = message === null;
    },
  };
}
