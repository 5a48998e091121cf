// Consent look-up (customer id or phone number) and grant/revoke per scope.
import { errorMessage } from '../../shell/graphql-client.js';
import { button, field, h, select } from '../../ui/dom.js';
import { CUSTOMER_QUERY, CUSTOMER_BY_PHONE_QUERY } from '../../queries/customer-queries.js';
import { SET_CONSENT } from '../../queries/compliance-queries.js';
import { href } from '../../shell/hash-router.js';
import { badge } from '../../ui/badge.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import type { Consent, Customer } from '../../queries/customer-queries.js';
import type { ViewContext } from '../../shell/view-context.js';

const SCOPES = ['call', 'sms', 'email'] as const;
const SCOPE_LABEL: Record<string, string> = {
  call: 'Calls',
  sms: 'SMS',
  email: 'Email',
  all: 'All scopes',
};

export function consentBadge(c: Consent | undefined): HTMLElement {
  if (!c) return badge('not recorded', 'neutral');
  return c.granted ? badge('granted', 'good') : badge('revoked', 'bad');
}

export interface ConsentTab {
  el: HTMLElement;
}

type Change = (scope: string, granted: boolean, btn: HTMLButtonElement) => void;

/** One scope: its state, with Grant and Revoke (the one matching the state disabled). */
function scopeCard(scope: string, entry: Consent | undefined, change: Change): HTMLElement {
  const label = SCOPE_LABEL[scope] ?? scope;
  const grant: HTMLButtonElement = button('Grant', () => change(scope, true, grant), {
    class: 'btn btn-good btn-sm',
    'data-testid': `grant-${scope}`,
    'aria-label': `Grant ${label} consent`,
  });
  const revoke: HTMLButtonElement = button('Revoke', () => change(scope, false, revoke), {
    class: 'btn btn-danger btn-sm',
    'data-testid': `revoke-${scope}`,
    'aria-label': `Revoke ${label} consent`,
  });
  grant.disabled = entry?.granted === true;
  revoke.disabled = entry?.granted === false;
  return h(
    'div',
    {
      class: 'consent-card',
      'data-testid': `consent-${scope}`,
      'data-granted': entry ? String(entry.granted) : '',
    },
    h('header', {}, h('span', {}, label), consentBadge(entry)),
    h('div', { class: 'form-actions' }, grant, revoke),
  );
}

const allScopes = (change: Change): HTMLElement =>
  h(
    'div',
    { class: 'form-actions' },
    h('span', { class: 'muted' }, 'All scopes at once:'),
    button('Grant all', (e) => change('all', true, e.currentTarget as HTMLButtonElement), {
      class: 'btn btn-good btn-sm',
    }),
    button('Revoke all', (e) => change('all', false, e.currentTarget as HTMLButtonElement), {
      class: 'btn btn-danger btn-sm',
      'data-testid': 'revoke-all',
    }),
  );

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

/** A customer's consent per scope, changed with setConsent; says what changed or what failed. */
function consentEditor(ctx: ViewContext, c: Customer): HTMLElement[] {
  const notice = h('div', {
    class: 'banner banner-ok',
    role: 'status',
    'data-testid': 'consent-notice',
  });
  notice.hidden = true;
  const error = h('div', { class: 'banner banner-error', role: 'alert' });
  error.hidden = true;
  let consent = c.consent;
  const grid = h('div', { class: 'consent-grid' });
  const change: Change = (scope, granted, btn) => {
    btn.disabled = true;
    error.hidden = true;
    ctx.client
      .mutate({ mutation: SET_CONSENT, variables: { customerId: c.customerId, scope, granted } })
      .then(({ data }) => {
        if (data) consent = data.setConsent;
        notice.textContent = `${SCOPE_LABEL[scope] ?? scope}: consent ${granted ? 'granted' : 'revoked'}.`;
        notice.hidden = false;
        draw();
      })
      .catch((err: unknown) => {
        btn.disabled = false;
        error.textContent = `Not changed: ${errorMessage(err)}`;
        error.hidden = false;
      });
  };
  const draw = (): void => {
    const scopes = [...new Set([...SCOPES, ...consent.map((x) => x.scope)])];
    grid.replaceChildren(
      ...scopes.map((scope) =>
        scopeCard(
          scope,
          consent.find((x) => x.scope === scope),
          change,
        ),
      ),
    );
  };
  draw();
  return [whoHead(c), notice, error, grid, allScopes(change)];
}

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
    subtitle: 'Grant or revoke per scope; the very next dialing decision follows it.',
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
        if (c) result.replaceChildren(...consentEditor(ctx, c));
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
