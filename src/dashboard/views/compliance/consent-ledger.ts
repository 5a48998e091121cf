// The consent ledger as people read it: per channel and purpose its state
// (four distinct badges) and when it was decided, with Grant / Withdraw where
// the role may change it; below, every change with its proof.
import { button, h } from '../../ui/dom.js';
import { formatDateTime } from '../../ui/format.js';
import { badge, type Tone } from '../../ui/badge.js';
import { dataTable, type Column } from '../../ui/table.js';
import type { Consent, ConsentChange } from '../../queries/customer-queries.js';

export const CHANNELS = ['call', 'sms', 'wechat', 'email'] as const;
export const PURPOSES = ['marketing', 'service'] as const;

export const CHANNEL_LABEL: Record<string, string> = {
  call: 'Calls',
  sms: 'SMS',
  wechat: 'WeChat',
  email: 'Email',
  all: 'All channels',
};
const PURPOSE_LABEL: Record<string, string> = { marketing: 'Marketing', service: 'Service' };
export const purposeLabel = (p: string | null | undefined): string =>
  p ? (PURPOSE_LABEL[p] ?? p) : 'Every purpose';

type State = 'granted' | 'refused' | 'withdrawn' | 'unknown';
const STATES: Record<State, { tone: Tone; help: string }> = {
  granted: { tone: 'good', help: 'Consent recorded and in force' },
  refused: { tone: 'bad', help: 'Refused, and never granted before' },
  withdrawn: { tone: 'warn', help: 'Granted, then refused: withdrawn' },
  unknown: {
    tone: 'neutral',
    help: 'Nothing recorded: opt-in campaigns read it as refused, opt-out ones as allowed',
  },
};

/** A state's badge, one tone each, its meaning in the title. */
export function stateBadge(state: string): HTMLElement {
  const s = STATES[state as State] ?? STATES.unknown;
  const el = badge(state, s.tone, s.help);
  el.dataset['state'] = state;
  return el;
}

/** Where each change came from, in words. */
export const SOURCE_LABEL: Record<string, string> = {
  call_turn: 'Said on a call',
  agent: 'Recorded by an agent',
  api: 'Dashboard or API',
  web_form: 'Web form',
  sms_reply: 'SMS reply',
  wechat_reply: 'WeChat reply',
  email_reply: 'Email reply',
  unsubscribe_link: 'Unsubscribe link',
  customer_page: "Customer's consent page",
  crm_import: 'CRM import',
};

/** scope: a channel or all; purpose: null for every purpose. */
export type Change = (
  scope: string,
  purpose: string | null,
  granted: boolean,
  btn: HTMLButtonElement,
) => void;

/** The ledger's state of one channel and purpose; unknown where nothing is recorded. */
export const stateOf = (consent: readonly Consent[], channel: string, purpose: string) =>
  consent.find((c) => c.scope === channel && c.purpose === purpose);

/** One cell: the state, when it was decided, and (editable) Grant and Withdraw. */
function ledgerCell(entry: Consent | undefined, channel: string, purpose: string, change?: Change) {
  const state = entry?.state ?? 'unknown';
  const what = `${CHANNEL_LABEL[channel] ?? channel} ${purposeLabel(purpose).toLowerCase()}`;
  const cell = h(
    'td',
    { 'data-testid': `consent-${channel}-${purpose}`, 'data-state': state },
    h(
      'div',
      { class: 'ledger-state' },
      stateBadge(state),
      entry?.at
        ? h('time', { datetime: entry.at, class: 'muted' }, `since ${formatDateTime(entry.at)}`)
        : null,
    ),
  );
  if (!change) return cell;
  const grant: HTMLButtonElement = button('Grant', () => change(channel, purpose, true, grant), {
    class: 'btn btn-good btn-sm',
    'data-testid': `grant-${channel}-${purpose}`,
    'aria-label': `Grant ${what} consent`,
  });
  const withdraw: HTMLButtonElement = button(
    'Withdraw',
    () => change(channel, purpose, false, withdraw),
    {
      class: 'btn btn-danger btn-sm',
      'data-testid': `withdraw-${channel}-${purpose}`,
      'aria-label': `Withdraw ${what} consent`,
    },
  );
  grant.disabled = state === 'granted';
  withdraw.disabled = state === 'refused' || state === 'withdrawn';
  cell.append(h('div', { class: 'form-actions' }, grant, withdraw));
  return cell;
}

/** Channels down, purposes across; buttons only with `change`. */
export function ledgerTable(consent: readonly Consent[], change?: Change): HTMLElement {
  return h(
    'table',
    { class: 'data-table ledger-table', 'data-testid': 'consent-ledger' },
    h('caption', { class: 'sr-only' }, 'Consent per channel and purpose'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Channel'),
        ...PURPOSES.map((p) => h('th', { scope: 'col' }, purposeLabel(p))),
      ),
    ),
    h(
      'tbody',
      {},
      ...CHANNELS.map((ch) =>
        h(
          'tr',
          { 'data-channel': ch },
          h('th', { scope: 'row' }, CHANNEL_LABEL[ch]!),
          ...PURPOSES.map((p) => ledgerCell(stateOf(consent, ch, p), ch, p, change)),
        ),
      ),
    ),
  );
}

export const ledgerHint = (): HTMLElement =>
  h(
    'p',
    { class: 'field-hint' },
    'Unknown: nothing recorded. Campaigns with the opt-in policy (the Chinese rule) read unknown as refused; opt-out campaigns allow contact until a refusal. A refusal after a grant reads withdrawn.',
  );

type Row = ConsentChange & { n: number };

const mono = (v: string | null | undefined): HTMLElement | string =>
  v ? h('span', { class: 'mono' }, v) : '—';

/** The changes' columns; the words only for the roles that see them. */
function changeColumns(words: boolean): Column<Row>[] {
  const columns: Column<Row>[] = [
    {
      id: 'at',
      label: 'Time',
      sort: (r) => r.at,
      render: (r) => h('time', { datetime: r.at, class: 'nowrap' }, formatDateTime(r.at)),
    },
    { id: 'scope', label: 'Channel', render: (r) => CHANNEL_LABEL[r.scope] ?? r.scope },
    { id: 'purpose', label: 'Purpose', render: (r) => purposeLabel(r.purpose) },
    {
      id: 'granted',
      label: 'Change',
      render: (r) => (r.granted ? badge('granted', 'good') : badge('refused', 'bad')),
    },
    {
      id: 'source',
      label: 'Source',
      render: (r) =>
        r.source ? h('span', { title: r.source }, SOURCE_LABEL[r.source] ?? r.source) : '—',
    },
    { id: 'call', label: 'Call', render: (r) => mono(r.callId) },
    { id: 'event', label: 'Event', render: (r) => mono(r.eventId) },
    { id: 'cue', label: 'Cue', render: (r) => r.cue ?? '—' },
  ];
  if (words)
    columns.push({
      id: 'text',
      label: 'Words',
      title: 'What the customer said or wrote (every read audited)',
      render: (r) => (r.text ? h('q', { class: 'proof-words' }, r.text) : '—'),
    });
  return columns;
}

/** Every change with its proof, newest first. */
export function changesTable(changes: readonly ConsentChange[], words: boolean): HTMLElement {
  if (!changes.length) return h('p', { class: 'muted' }, 'No consent change recorded yet.');
  const table = dataTable<Row>({
    columns: changeColumns(words),
    caption: 'Consent changes and their proof, newest first',
    rowKey: (r) => String(r.n),
    sort: { id: 'at', dir: 'desc' },
    testid: 'consent-changes',
  });
  table.setRows(changes.map((c, n) => ({ ...c, n })));
  return table.el;
}
