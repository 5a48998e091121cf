// Loading, empty, error and no-access states: one look everywhere.
import { h } from './dom.js';

export type StateKind = 'loading' | 'empty' | 'error' | 'locked';

export function stateBox(
  kind: StateKind,
  title: string,
  detail?: string,
  action?: HTMLElement,
): HTMLElement {
  return h(
    'div',
    {
      class: `state state-${kind}`,
      role: kind === 'error' ? 'alert' : 'status',
      'data-testid': `state-${kind}`,
    },
    h('span', { class: 'state-icon', 'aria-hidden': 'true' }),
    h('p', { class: 'state-title' }, title),
    detail ? h('p', { class: 'state-detail' }, detail) : null,
    action ?? null,
  );
}

export const loading = (title = 'Loading…'): HTMLElement => stateBox('loading', title);
