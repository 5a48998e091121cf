// A customer's consent ledger with its proof, and (for compliance and admin)
// Grant / Withdraw per channel and purpose or everywhere at once: the consent
// tab and the customer profile show the same thing.
import { errorMessage } from '../../shell/graphql-client.js';
import { button, h } from '../../ui/dom.js';
import { CONSENT_LEDGER_QUERY } from '../../queries/customer-queries.js';
import { SET_CONSENT } from '../../queries/compliance-queries.js';
import type { ConsentScope, Purpose } from '../../queries/graphql-types.js';
import type { Consent, ConsentChange, Customer } from '../../queries/customer-queries.js';
import { canReview, type ViewContext } from '../../shell/view-context.js';
import {
  CHANNEL_LABEL,
  changesTable,
  ledgerHint,
  ledgerTable,
  purposeLabel,
  type Change,
} from './consent-ledger.js';

const everywhere = (change: Change): HTMLElement =>
  h(
    'div',
    { class: 'form-actions' },
    h('span', { class: 'muted' }, 'All channels and purposes at once:'),
    button('Grant all', (e) => change('all', null, true, e.currentTarget as HTMLButtonElement), {
      class: 'btn btn-good btn-sm',
      'data-testid': 'grant-all',
    }),
    button(
      'Withdraw all',
      (e) => change('all', null, false, e.currentTarget as HTMLButtonElement),
      { class: 'btn btn-danger btn-sm', 'data-testid': 'withdraw-all' },
    ),
  );

/** What a change did, in words: "SMS, marketing: consent withdrawn." */
const said = (scope: string, purpose: string | null, granted: boolean): string =>
  `${CHANNEL_LABEL[scope] ?? scope}, ${purposeLabel(purpose).toLowerCase()}: consent ${granted ? 'granted' : 'withdrawn'}.`;

export interface ConsentLedgerView {
  el: HTMLElement;
}

/**
 * The ledger of `c` as the server answered it; a reviewer's change goes
 * through setConsent (the next check obeys it) and the ledger and its
 * changes are read again.
 */
export function consentLedgerView(ctx: ViewContext, c: Customer): ConsentLedgerView {
  const reviewer = canReview(ctx.principal.role);
  const notice = h('div', {
    class: 'banner banner-ok',
    role: 'status',
    'data-testid': 'consent-notice',
  });
  notice.hidden = true;
  const error = h('div', { class: 'banner banner-error', role: 'alert' });
  error.hidden = true;
  const ledger = h('div', { class: 'table-wrap' });
  const changes = h('div', { class: 'table-wrap' });
  let consent: readonly Consent[] = c.consent;
  let proofs: readonly ConsentChange[] = c.consentChanges;

  const draw = (): void => {
    ledger.replaceChildren(ledgerTable(consent, reviewer ? change : undefined));
    changes.replaceChildren(changesTable(proofs, reviewer));
  };
  const reread = () =>
    ctx.client
      .query({ query: CONSENT_LEDGER_QUERY, variables: { id: c.customerId, full: reviewer } })
      .then(({ data }) => {
        if (!data?.customer) return;
        consent = data.customer.consent;
        proofs = data.customer.consentChanges;
        draw();
      });
  const change: Change = (scope, purpose, granted, btn) => {
    btn.disabled = true;
    error.hidden = true;
    ctx.client
      .mutate({
        mutation: SET_CONSENT,
        variables: {
          customerId: c.customerId,
          scope: scope as ConsentScope,
          granted,
          purpose: purpose as Purpose | null,
        },
      })
      .then(async ({ data }) => {
        if (data) consent = data.setConsent;
        notice.textContent = said(scope, purpose, granted);
        notice.hidden = false;
        draw();
        await reread();
      })
      .catch((err: unknown) => {
        btn.disabled = false;
        error.textContent = `Not changed: ${errorMessage(err)}`;
        error.hidden = false;
      });
  };
  draw();
  const el = h(
    'div',
    { class: 'stack', 'data-testid': 'consent-view' },
    notice,
    error,
    ledger,
    reviewer ? everywhere(change) : null,
    ledgerHint(),
    h('h3', { class: 'section-title' }, 'Changes and their proof'),
    changes,
  );
  return { el };
}
