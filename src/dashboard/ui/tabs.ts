// Tabs (role=tablist) with arrow-key movement, and a segmented button group.
import { h } from './dom.js';

export interface TabSpec<T extends string> {
  value: T;
  label: string;
  testid?: string;
}

export interface Tabs<T extends string> {
  el: HTMLElement;
  value: T;
  set(value: T): void;
}

/** A tab strip; `onChange` runs on user selection only. */
export function tabs<T extends string>(
  label: string,
  specs: readonly TabSpec<T>[],
  value: T,
  onChange: (value: T) => void,
  controls?: string,
): Tabs<T> {
  const el = h('div', { class: 'tabs', role: 'tablist', 'aria-label': label });
  const buttons = specs.map((s) => {
    const b = h(
      'button',
      {
        type: 'button',
        role: 'tab',
        class: 'tab',
        'data-value': s.value,
        'data-testid': s.testid,
        'aria-controls': controls,
      },
      s.label,
    );
    b.addEventListener('click', () => {
      if (api.value === s.value) return;
      api.set(s.value);
      onChange(s.value);
    });
    return b;
  });
  el.append(...buttons);
  el.addEventListener('keydown', (e) => {
    const i = buttons.findIndex((b) => b === document.activeElement);
    if (i < 0) return;
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = buttons[(i + step + buttons.length) % buttons.length]!;
    next.focus();
    next.click();
  });
  const api: Tabs<T> = {
    el,
    value,
    set(v) {
      api.value = v;
      for (const b of buttons) {
        const on = b.dataset['value'] === v;
        b.setAttribute('aria-selected', String(on));
        b.tabIndex = on ? 0 : -1;
      }
    },
  };
  api.set(value);
  return api;
}

/** Pressed-state buttons for a small exclusive choice (time range, bucket). */
export function segmented<T extends string>(
  label: string,
  specs: readonly TabSpec<T>[],
  value: T,
  onChange: (value: T) => void,
): Tabs<T> {
  const el = h('div', { class: 'segmented', role: 'group', 'aria-label': label });
  const buttons = specs.map((s) => {
    const b = h(
      'button',
      { type: 'button', 'data-value': s.value, 'data-testid': s.testid },
      s.label,
    );
    b.addEventListener('click', () => {
      if (api.value === s.value) return;
      api.set(s.value);
      onChange(s.value);
    });
    return b;
  });
  el.append(...buttons);
  const api: Tabs<T> = {
    el,
    value,
    set(v) {
      api.value = v;
      for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset['value'] === v));
    },
  };
  api.set(value);
  return api;
}
