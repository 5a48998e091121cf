// Consent look-up (customer id or phone number) and grant/revoke per scope.
import { errorMessage } from '../api.js';
import { button, field, h, select } from '../dom.js';
import { CUSTOMER_QUERY, CUSTOMER_BY_PHONE_QUERY } from '../queries/customers.js';
import { SET_CONSENT } from '../queries/compliance.js';
import { href } from '../router.js';
import { badge } from '../ui/badge.js';
import { panel } from '../ui/panel.js';
import { loading, stateBox } from '../ui/states.js';
import type { Consent, Customer } from '../types.js';
import type { ViewContext } from '../view.js';

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

export function createConsentTab(ctx: ViewContext): ConsentTab {
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

  const show = (c: Customer): void => {
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
    const change = (scope: string, granted: boolean, btn: HTMLButtonElement): void => {
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
        ...scopes.map((scope) => {
          const entry = consent.find((x) => x.scope === scope);
          const grant: HTMLButtonElement = button('Grant', () => change(scope, true, grant), {
            class: 'btn btn-good btn-sm',
            'data-testid': `grant-${scope}`,
            'aria-label': `Grant ${SCOPE_LABEL[scope] ?? scope} consent`,
          });
          const revoke: HTMLButtonElement = button('Revoke', () => change(scope, false, revoke), {
            class: 'btn btn-danger btn-sm',
            'data-testid': `revoke-${scope}`,
            'aria-label': `Revoke ${SCOPE_LABEL[scope] ?? scope} consent`,
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
            h('header', {}, h('span', {}, SCOPE_LABEL[scope] ?? scope), consentBadge(entry)),
            h('div', { class: 'form-actions' }, grant, revoke),
          );
        }),
      );
    };
    draw();
    const all = h(
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
    result.replaceChildren(
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
      ),
      notice,
      error,
      grid,
      all,
    );
  };

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
    const request = byPhone
      ? ctx.client
          .query({ query: CUSTOMER_BY_PHONE_QUERY, variables: { phone: q, full: true } })
          .then((r) => r.data?.customerByPhone)
      : ctx.client
          .query({ query: CUSTOMER_QUERY, variables: { id: q, full: true } })
          .then((r) => r.data?.customer);
    request
      .then((c) => {
        if (c) show(c);
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
