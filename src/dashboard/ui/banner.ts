// An error line for a whole view: shown while its data cannot be loaded.
import { h } from './dom.js';

export interface Banner {
  el: HTMLElement;
  set(message: string | null): void;
}

export function createBanner(testid = 'banner'): Banner {
  const el = h('div', { class: 'banner banner-error', role: 'alert', 'data-testid': testid });
  el.hidden = true;
  return {
    el,
    set(message) {
      el.textContent = message ?? '';
      el.hidden = message === null;
    },
  };
}
