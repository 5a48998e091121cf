// Compliance review (compliance and admin roles): flagged calls and their
// transcripts, transcript search, consent, dialing violations. Other roles
// get a clear no-access state and nothing here is ever asked of the server
// for them.
import { h } from '../../ui/dom.js';
import { href, type Route } from '../../shell/hash-router.js';
import { stateBox } from '../../ui/states.js';
import { tabs } from '../../ui/tabs.js';
import type { Highlight } from '../../queries/compliance-queries.js';
import type { Principal } from '../../queries/app-queries.js';
import { canReview, type MountView } from '../../shell/view-context.js';
import { createConsentTab } from './consent-tab.js';
import { createFlaggedCalls } from './flagged-calls-tab.js';
import { createTranscriptPanel } from './transcript-panel.js';
import { createTranscriptSearch } from './transcript-search-tab.js';
import { createViolationsTab } from './violations-tab.js';

type Tab = 'flagged' | 'search' | 'consent' | 'violations';
const TABS: { value: Tab; label: string; testid: string }[] = [
  { value: 'flagged', label: 'Flagged calls', testid: 'tab-flagged' },
  { value: 'search', label: 'Transcript search', testid: 'tab-search' },
  { value: 'consent', label: 'Consent', testid: 'tab-consent' },
  { value: 'violations', label: 'Dialing violations', testid: 'tab-violations' },
];

/** #/compliance/search → search; #/compliance/call/<id> → flagged with that call open. */
const tabOf = (route: Route): Tab => {
  const t = route.rest[0];
  return t === 'search' || t === 'consent' || t === 'violations' ? t : 'flagged';
};

/** What a role that may not review sees instead. */
const locked = (principal: Principal): HTMLElement =>
  h(
    'div',
    { class: 'panel empty-card', 'data-testid': 'compliance-locked' },
    stateBox(
      'locked',
      'Compliance review needs the compliance role',
      `You are signed in as ${principal.name} with the ${principal.role} role. Flagged calls, transcripts and consent are open to the compliance and admin roles only; ask an admin for a compliance key.`,
    ),
  );

const pageHead = (): HTMLElement =>
  h(
    'div',
    { class: 'view-head' },
    h(
      'div',
      {},
      h('h2', { class: 'view-title' }, 'Compliance review'),
      h(
        'p',
        { class: 'view-lead' },
        'Every transcript read and search is written to the audit log.',
      ),
    ),
  );

export const mountCompliance: MountView = (root, ctx, route) => {
  if (!canReview(ctx.principal.role)) {
    root.append(locked(ctx.principal));
    return { destroy() {} };
  }

  let tab: Tab = tabOf(route);
  const body = h('div', { id: 'compliance-tab', role: 'tabpanel' });
  const strip = tabs<Tab>(
    'Compliance review',
    TABS,
    tab,
    (value) => {
      window.location.hash = href('compliance', value);
    },
    'compliance-tab',
  );
  root.append(pageHead(), strip.el, body);

  let destroyTab: () => void = () => undefined;
  let openCall: (callId: string, focus?: { turn: number; marks?: Highlight[] }) => void = () =>
    undefined;

  const showTab = (next: Tab, callId?: string): void => {
    destroyTab();
    tab = next;
    strip.set(next);
    if (next === 'consent') {
      body.replaceChildren(createConsentTab(ctx).el);
      destroyTab = () => undefined;
      return;
    }
    if (next === 'violations') {
      const violations = createViolationsTab(ctx);
      body.replaceChildren(violations.el);
      destroyTab = violations.destroy;
      return;
    }
    const transcript = createTranscriptPanel(ctx.client);
    if (next === 'flagged') {
      const flagged = createFlaggedCalls(ctx, (id) => {
        window.location.hash = href('compliance', 'call', id);
      });
      openCall = (id, focus) => {
        flagged.select(id);
        transcript.show(id, focus);
      };
      body.replaceChildren(h('div', { class: 'split' }, flagged.el, transcript.el));
      destroyTab = flagged.destroy;
    } else {
      const search = createTranscriptSearch(ctx, (id, focus) => transcript.show(id, focus));
      openCall = (id, focus) => transcript.show(id, focus);
      body.replaceChildren(h('div', { class: 'split' }, search.el, transcript.el));
      destroyTab = search.destroy;
    }
    if (callId) openCall(callId);
  };

  const callOf = (r: Route): string | undefined => (r.rest[0] === 'call' ? r.rest[1] : undefined);
  showTab(tab, callOf(route));

  return {
    update(next) {
      const nextTab = tabOf(next);
      const callId = callOf(next);
      if (nextTab !== tab) showTab(nextTab, callId);
      else if (callId) openCall(callId);
    },
    destroy: () => destroyTab(),
  };
};
