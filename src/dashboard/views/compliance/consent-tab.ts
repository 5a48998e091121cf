// Consent look-up (customer id or phone number): the ledger per channel and
// purpose with its proof, Grant / Withdraw (consent-editor.ts).
import { errorMessage } from '../../shell/graphql-client.js';
import { field, h, select } from '../../ui/dom.js';
import { CUSTOMER_QUERY, CUSTOMER_BY_PHONE_QUERY } from '../../queries/customer-queries.js';
import { href } from '../../shell/hash-router.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import type { Customer } from '../../queries/customer-queries.js';
import type { ViewContext } from '../../shell/view-context.js';
import { consentLedgerView } from './consent-editor.js';

export interface ConsentTab {
  el: HTMLElement;
}

/** Who was found: name (or id), id, phone (whole, for this role) and a link to the profile. */
const whoHead = (c: Customer): HTMLElement =>
  h(
    'div',
    { class: 'profile-head' },
    h(
      'div',
      { class: 'avatar', 'aria-hidden': 'true' },
      (c.name ?? c.customerId).slice(0, 1).toUpperCase(),
    ),
    h(
      'div',
      {},
      h('p', { class: 'profile-name' }, c.name ?? c.customerId),
      h(
        'p',
        { class: 'profile-sub' },
        h('span', { class: 'mono' }, c.customerId),
        h('span', { 'data-testid': 'consent-phone' }, c.phone ?? c.phoneMasked ?? 'no phone'),
        h('a', { href: href('customers', c.customerId) }, 'Open profile'),
      ),
    ),
  );

/** Look up by customer id or by phone number (matched on the server by keyed hash). */
function lookupForm() {
  const mode = select(
    'consent-mode',
    [
      { value: 'id', label: 'Customer ID' },
      { value: 'phone', label: 'Phone number' },
    ],
    'id',
    { 'data-testid': 'consent-mode' },
  );
  const input = h('input', {
    type: 'text',
    id: 'consent-query',
    placeholder: 'cust-000123',
    spellcheck: 'false',
    autocomplete: 'off',
    'data-testid': 'consent-query',
  });
  mode.addEventListener('change', () => {
    input.placeholder = mode.value === 'phone' ? '+86 138 0000 0000' : 'cust-000123';
    input.type = mode.value === 'phone' ? 'tel' : 'text';
  });
  const submit = h(
    'button',
    { type: 'submit', class: 'btn btn-primary', 'data-testid': 'consent-lookup' },
    'Look up',
  );
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Consent look-up' },
    field('Look up by', mode, undefined, 'field-narrow'),
    field(mode.value === 'phone' ? 'Phone number' : 'Customer ID or phone number', input),
    submit,
  );
  return { mode, input, form };
}

const findCustomer = (ctx: ViewContext, q: string, byPhone: boolean) =>
  byPhone
    ? ctx.client
        .query({ query: CUSTOMER_BY_PHONE_QUERY, variables: { phone: q, full: true } })
        .then((r) => r.data?.customerByPhone)
    : ctx.client
        .query({ query: CUSTOMER_QUERY, variables: { id: q, full: true } })
        .then((r) => r.data?.customer);

export function createConsentTab(ctx: ViewContext): ConsentTab {
  const { mode, input, form } = lookupForm();
  const result = h(
    'div',
    { class: 'stack', 'data-testid': 'consent-result' },
    stateBox(
      'empty',
      'Find a customer',
      'Look one up by customer ID or phone number to see and change their consent.',
    ),
  );
  const p = panel('Consent', {
    testid: 'consent',
    subtitle:
      'The ledger per channel and purpose, with the proof of every change. Grant or withdraw: the very next check follows it.',
  });
  p.body.append(form, result);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (!q) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    input.setAttribute('aria-invalid', 'false');
    result.replaceChildren(loading('Looking up…'));
    const byPhone = mode.value === 'phone';
    findCustomer(ctx, q, byPhone)
      .then((c) => {
        if (c) result.replaceChildren(whoHead(c), consentLedgerView(ctx, c).el);
        else
          result.replaceChildren(
            stateBox(
              'empty',
              'No such customer',
              byPhone ? 'No customer has this phone number.' : `There is no customer ${q}.`,
            ),
          );
      })
      .catch((err: unknown) =>
        result.replaceChildren(stateBox('error', 'The look-up failed', errorMessage(err))),
      );
  });
  return { el: p.el };
}
