/**
 * The customer's own consent page (the seed's 客户授权管理界面). A sender
 * asks POST /consent/links for a signed, expiring link and sends it by SMS
 * or WeChat; the customer opens GET /c/:token (public: the token is the
 * only credential) and sees, per channel and purpose, what they allow;
 * each button posts to /c/:token/withdraw, which records a
 * `consent.changed` refusal with the page as its proof and answers 303 to
 * the page, which then shows the new state. The page shows no name and no
 * phone: a forwarded link tells its reader nothing about the customer.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { audit } from '../../analytics/records/index.js';
import type { Clock } from '../../core/clock.js';
import { consentLinkId, signConsentLink, verifyConsentLink } from '../../core/consent-link.js';
import { consentStates, type ConsentLedger } from '../../core/contact-record.js';
import { DialwiseError } from '../../core/errors.js';
import {
  CHANNELS,
  parseEvent,
  PURPOSES,
  type Channel,
  type DialwiseEvent,
  type Purpose,
} from '../../core/events/index.js';
import { LIVE_READERS } from '../auth.js';
import { requireCustomer } from '../scope.js';
import type { GraphqlDeps } from '../graphql/index.js';
import {
  consentPageHtml,
  errorPageHtml,
  htmlResponse,
  stoppable,
  type ConsentPageView,
} from './consent-page-html.js';
import { readBody } from './http.js';
import { RateLimiter } from './rate-limit.js';
import { reply, route, type Route } from './route.js';
import { consentLinkRequest, consentLinkResponse, type ConsentLinkResponse } from './schemas.js';

/** How the API signs and addresses customers' links. */
export interface ConsentLinks {
  /** Signing keys, current first (`FieldCipher.derivedKeys(CONSENT_LINK_LABEL)`). */
  keys: readonly Uint8Array[];
  /** Days a link lives when the request names none. */
  ttlDays: number;
  /** Where customers reach the API: the configured public URL, else the listener's own. */
  baseUrl(): string;
}

export interface ConsentPageDeps {
  /** Absent: this process serves no consent links (the routes answer 404). */
  consentLinks?: ConsentLinks;
}

type Deps = ConsentPageDeps &
  Pick<GraphqlDeps, 'store' | 'profile'> & {
    submit(valid: DialwiseEvent[], invalid: string[]): Promise<void>;
    clock: Clock;
  };

const DAY_S = 86_400;
/** A withdrawal form's body: two short fields. */
const MAX_FORM_BYTES = 256;
/** Requests per second per customer's link: page views, and withdrawals. */
const PAGE_RATE = 5;
const WITHDRAW_RATE = 2;

const errorPage = (status: number, zh: string, en: string, headers?: Record<string, string>) =>
  htmlResponse(status, errorPageHtml(zh, en), headers);

/** What the public pages answer for a link that does not admit. */
const LINK_REFUSALS = {
  403: { description: 'The link is forged or malformed.', type: 'text/html' },
  404: { description: 'This process serves no consent links.', type: 'text/html' },
  410: { description: 'The link has expired.', type: 'text/html' },
  429: {
    description: 'Too many requests on this link: retry after Retry-After.',
    type: 'text/html',
  },
};

/** The withdrawal form, as the reference states it (parseForm reads it). */
const withdrawFields = z.strictObject({
  channel: z.enum(['all', ...CHANNELS]),
  purpose: z.enum(['all', ...PURPOSES]).optional(),
});

const NOT_SERVED = () => errorPage(404, '此服务未开放。', 'This page is not available here.');

/** Each channel and purpose as the ledger reads it now (the channel's own state, as the customer set it). */
const statesOf = (ledger: Readonly<ConsentLedger>) =>
  consentStates(ledger).map(({ channel, purpose, state }) => ({ channel, purpose, state }));

/** The withdrawal form, or null: `channel` a channel or `all`, `purpose` one or absent (every purpose). */
function parseForm(
  contentType: string | null,
  text: string,
): { scope: Channel | 'all'; purpose: Purpose | undefined } | null {
  if (!contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) return null;
  const form = new URLSearchParams(text);
  const keys = [...form.keys()];
  if (new Set(keys).size !== keys.length) return null;
  if (form.get('purpose') === '') form.delete('purpose');
  const r = withdrawFields.safeParse(Object.fromEntries(form));
  if (!r.success) return null;
  const { channel, purpose } = r.data;
  return { scope: channel, purpose: purpose === 'all' ? undefined : purpose };
}

type Admitted = { customerId: string; exp: number };

/**
 * The gate of the public routes: the link's customer, or the page that says
 * why not (403 forged or malformed, 410 expired, 429 too many requests on
 * one link).
 */
function linkGate(deps: Deps): (token: string, what: 'page' | 'withdraw') => Admitted | Response {
  const limiter = new RateLimiter(() => deps.clock.now());
  return (token, what) => {
    const links = deps.consentLinks;
    if (!links) return NOT_SERVED();
    const check = verifyConsentLink(links.keys, token, Math.floor(deps.clock.now() / 1000));
    if (!check.ok)
      return check.reason === 'expired'
        ? errorPage(
            410,
            '此链接已过期，请向我们索取新的链接。',
            'This link has expired: ask us for a new one.',
          )
        : errorPage(403, '此链接无效。', 'This link is not valid.');
    const rate = what === 'page' ? PAGE_RATE : WITHDRAW_RATE;
    const wait = limiter.take(`${what}\u0000${check.customerId}`, rate);
    if (wait)
      return errorPage(429, '操作太频繁，请稍后再试。', 'Too many requests: try again shortly.', {
        'retry-after': String(wait),
      });
    return { customerId: check.customerId, exp: check.expiresAtS };
  };
}

// eslint-disable-next-line max-lines-per-function -- table-like: one entry per route
export function consentPageRoutes(deps: Deps): Route[] {
  const admit = linkGate(deps);
  const ledgerOf = async (customerId: string): Promise<ConsentLedger> =>
    (await deps.profile(customerId))?.consent ?? {};

  return [
    route<z.infer<typeof consentLinkRequest>>({
      method: 'POST',
      path: '/consent/links',
      roles: LIVE_READERS,
      body: consentLinkRequest,
      doc: {
        tag: 'contact',
        summary: "A signed link to the customer's own consent page",
        description:
          'To send by SMS or WeChat: the customer sees what they allow per channel and purpose and can withdraw it. The link expires after `ttl_days` (at most 90; default the setting). Audited as `consent.link`.',
        responses: {
          200: { description: 'The link and its expiry.', schema: consentLinkResponse },
        },
        errors: ['NOT_FOUND'],
      },
      async handle({ body, principal }) {
        await requireCustomer(deps.store, principal!, body.customer_id);
        const links = deps.consentLinks;
        if (!links) throw new DialwiseError('NOT_FOUND', 'this process serves no consent links');
        const days = body.ttl_days ?? links.ttlDays;
        const exp = Math.floor(deps.clock.now() / 1000) + days * DAY_S;
        const token = signConsentLink(links.keys[0]!, body.customer_id, exp);
        await audit(
          deps.store,
          principal!,
          'consent.link',
          `${body.customer_id}:${consentLinkId(token)}`,
        );
        const url = `${links.baseUrl().replace(/\/+$/, '')}/c/${token}`;
        return reply<ConsentLinkResponse>({ url, expires_at: new Date(exp * 1000).toISOString() });
      },
    }),
    route({
      method: 'GET',
      path: '/c/:token',
      roles: 'public',
      doc: {
        tag: 'customer',
        summary: "The customer's consent page",
        description: 'HTML in Chinese and English; shows no name and no phone.',
        responses: {
          200: { description: 'The page.', type: 'text/html' },
          ...LINK_REFUSALS,
        },
      },
      async handle({ params, url }) {
        const token = params.token!;
        const who = admit(token, 'page');
        if (who instanceof Response) return who;
        const view: ConsentPageView = {
          token,
          states: statesOf(await ledgerOf(who.customerId)),
          expiresAt: new Date(who.exp * 1000),
          saved: url.searchParams.get('done') === '1',
        };
        return htmlResponse(200, consentPageHtml(view));
      },
    }),
    route({
      method: 'POST',
      path: '/c/:token/withdraw',
      roles: 'public',
      doc: {
        tag: 'customer',
        summary: 'The consent page withdraws consent',
        description:
          "The page's form: `channel` (a channel or `all`), `purpose` (one, `all` or absent). Recorded as a refusal with the page as its proof; answers 303 to the page.",
        bodySchema: withdrawFields,
        bodyType: 'application/x-www-form-urlencoded',
        responses: {
          303: { description: 'Recorded: on to the page.' },
          400: { description: 'The form is not valid.', type: 'text/html' },
          ...LINK_REFUSALS,
        },
      },
      async handle({ params, request }) {
        const token = params.token!;
        const who = admit(token, 'withdraw');
        if (who instanceof Response) return who;
        const form = parseForm(
          request.headers.get('content-type'),
          await readBody(request, MAX_FORM_BYTES),
        );
        if (!form) return errorPage(400, '请求无效。', 'This request is not valid.');
        await withdraw(
          deps,
          who.customerId,
          form,
          consentLinkId(token),
          await ledgerOf(who.customerId),
        );
        // Relative, like the form's action: the page works behind a proxy's path prefix too.
        return new Response(null, { status: 303, headers: { location: `../${token}?done=1` } });
      },
    }),
  ];
}

/**
 * Records the refusal, unless everything it covers is already refused or
 * withdrawn (a second tap, a replayed form: no new change). Audited as the
 * customer (`customer:<id>`).
 */
async function withdraw(
  deps: Deps,
  customerId: string,
  form: { scope: Channel | 'all'; purpose: Purpose | undefined },
  linkId: string,
  ledger: ConsentLedger,
): Promise<void> {
  const covered = statesOf(ledger).filter(
    (s) =>
      (form.scope === 'all' || s.channel === form.scope) &&
      (form.purpose === undefined || s.purpose === form.purpose),
  );
  if (!covered.some((s) => stoppable(s.state))) return;
  const parsed = parseEvent({
    event_id: randomUUID(),
    type: 'consent.changed',
    ts: new Date(deps.clock.now()).toISOString(),
    schema_version: 1,
    customer_id: customerId,
    scope: form.scope,
    ...(form.purpose && { purpose: form.purpose }),
    granted: false,
    evidence: {
      source: 'customer_page',
      cue: 'consent page',
      text: `consent page, link ${linkId}`,
    },
  });
  if (!parsed.ok) throw new DialwiseError('BAD_REQUEST', parsed.reason);
  await deps.submit([parsed.event], []);
  const target = `${customerId}:${form.scope}${form.purpose ? `/${form.purpose}` : ''}`;
  await audit(
    deps.store,
    { name: `customer:${customerId}`, role: 'customer' },
    'consent.revoked',
    target,
  );
}
