// The signed-in frame: brand, view navigation, live badge, who is signed in.
import { button, h } from '../ui/dom.js';
import type { LiveState } from './live-subscription.js';
import { href, viewsFor, type ViewName } from './hash-router.js';
import type { Principal } from '../queries/app-queries.js';
import { canReview } from './view-context.js';

export interface Shell {
  el: HTMLElement;
  /** Where the current view draws. */
  outlet: HTMLElement;
  setActive(view: ViewName): void;
  setLive(state: LiveState | 'polling' | 'none', detail?: string): void;
}

const LIVE_TEXT: Record<LiveState | 'polling' | 'none', string> = {
  live: 'Live',
  connecting: 'Connecting…',
  retrying: 'Reconnecting…',
  polling: 'Polling',
  off: '',
  none: '',
};

export function createShell(principal: Principal, onSignOut: () => void): Shell {
  const links = viewsFor(principal.role).map((v) =>
    h(
      'a',
      {
        href: href(v.name),
        class: 'nav-link',
        'data-view': v.name,
        'data-testid': `nav-${v.name}`,
        title:
          v.name === 'compliance' && !canReview(principal.role)
            ? 'Needs the compliance role'
            : undefined,
      },
      v.label,
    ),
  );
  const liveText = h('span', { class: 'live-text' });
  const live = h(
    'span',
    { class: 'live', role: 'status', 'data-testid': 'live' },
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    liveText,
  );
  live.hidden = true;
  const outlet = h('main', { class: 'content', id: 'main', tabindex: '-1' });
  const el = h(
    'div',
    { class: 'app' },
    h('a', { class: 'skip-link', href: '#main' }, 'Skip to content'),
    h(
      'header',
      { class: 'topbar' },
      h(
        'div',
        { class: 'brand' },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
        h('h1', {}, 'Dialwise'),
      ),
      h('nav', { class: 'nav', 'aria-label': 'Views' }, ...links),
      h(
        'div',
        { class: 'topbar-right' },
        live,
        h(
          'span',
          { class: 'who', title: `Signed in as ${principal.name}` },
          h('span', { class: 'who-name' }, principal.name),
          h('span', { class: 'role-badge', 'data-testid': 'role' }, principal.role),
        ),
        button('Sign out', onSignOut, { 'data-testid': 'sign-out' }),
      ),
    ),
    outlet,
  );
  // The skip link targets #main without changing the route.
  el.querySelector('.skip-link')!.addEventListener('click', (e) => {
    e.preventDefault();
    outlet.focus();
  });

  return {
    el,
    outlet,
    setActive(view) {
      for (const a of links) {
        if (a.dataset['view'] === view) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
    },
    setLive(state, detail) {
      live.hidden = state === 'none' || state === 'off';
      live.dataset['state'] = state;
      live.className = `live is-${state}`;
      liveText.textContent = LIVE_TEXT[state];
      live.title =
        detail ?? (state === 'live' ? 'Updates stream from the server as data arrives' : '');
    },
  };
}
