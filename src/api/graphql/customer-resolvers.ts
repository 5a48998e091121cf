import { randomUUID } from 'node:crypto';
import {
  audit,
  callsById,
  consentChanges,
  customerIdByPhoneHash,
  customerList,
  MAX_TAG,
  TRANSCRIPT_READERS,
  type SqlScope,
} from '../../analytics/records/index.js';
import { DialwiseError } from '../../core/errors.js';
import type { Store } from '../../core/store/store.js';
import { foldConsent } from '../../core/contact-record.js';
import { parseEvent, type EventOf } from '../../core/events/index.js';
import { maskPersonal, personalKind } from '../../core/personal.js';
import type { Profile } from '../../pipelines/index.js';
import { ANALYSTS, COMPLIANCE, PROFILE_READERS } from '../auth.js';
import { campaignSql, customerSql, requireCustomer, seesCustomer } from '../scope.js';
import { guarded, type GqlContext, type ResolverDeps } from './context.js';
import { CONSENT_SCOPES } from './enums.js';
import {
  callSummaryView,
  consentView,
  customerView,
  pageSize,
  type CustomerView,
} from './views.js';

const PHONE = /^\+?[0-9 ()-]{5,32}$/;
type CustomersArgs = { tag?: string | null; limit?: number | null; after?: string | null };

/** A customer's profile, its personal fields and calls; consent changes. */
export function customerResolvers(deps: ResolverDeps) {
  const { store, clock } = deps;
  /** The customer, or null when there is none or the principal's campaigns do not include them. */
  const customer = async (
    id: string,
    who: GqlContext['principal'],
  ): Promise<CustomerView | null> => {
    const p = await deps.profile(id);
    return p && (await seesCustomer(store, who, id)) ? customerView(p, clock.now()) : null;
  };
  /** Personal data for compliance and admin only, each read audited (denials too); null for everyone else. */
  const personal =
    (pick: (p: Profile) => string | null) =>
    async (c: CustomerView, _: unknown, ctx: GqlContext): Promise<string | null> => {
      if (!TRANSCRIPT_READERS.has(ctx.principal.role)) {
        await audit(store, ctx.principal, 'customer.pii.denied', c.customerId);
        return null;
      }
      await audit(store, ctx.principal, 'customer.pii.read', c.customerId);
      return pick(c.profile);
    };

  return {
    Customer: {
      phone: personal((p) => p.phone),
      name: personal((p) => p.name),
      // Masked for everyone; whole for compliance and admin, each such read audited.
      personal: async (c: CustomerView, _: unknown, ctx: GqlContext) => {
        const entries = Object.entries(c.profile.personal);
        const whole = TRANSCRIPT_READERS.has(ctx.principal.role);
        if (whole && entries.length)
          await audit(store, ctx.principal, 'customer.pii.read', c.customerId);
        return entries.map(([key, value]) => {
          const kind = personalKind(key, value) ?? 'id_number';
          return { key, kind, value: whole ? value : maskPersonal(kind, value) };
        });
      },
      consentChanges: consentChangesResolver(deps),
      recentCalls: async (c: CustomerView, _: unknown, ctx: GqlContext) => {
        const ids = [...Object.keys(c.profile.open_calls), ...c.profile.closed_calls];
        const theirs = await callsById(store, ids, campaignSql(ctx.principal, 'campaign_id'));
        return theirs.slice(0, 20).map(callSummaryView);
      },
    },
    Query: {
      customer: guarded(PROFILE_READERS, (a: { id: string }, ctx) => customer(a.id, ctx.principal)),
      customerByPhone: guarded(
        COMPLIANCE,
        async (a: { phone: string }, ctx) => {
          // Not a phone number: nobody has it (audited as a lookup all the same).
          const id = PHONE.test(a.phone)
            ? await customerIdByPhoneHash(store, deps.phoneHash(a.phone))
            : undefined;
          await audit(store, ctx.principal, 'customer.lookup.phone', id ?? '(none)');
          return id ? customer(id, ctx.principal) : null;
        },
        { store, action: 'customer.lookup.phone', target: () => '(phone)' },
      ),
      customers: guarded(ANALYSTS, async (a: CustomersArgs, ctx) =>
        customerPage(store, a, customerSql(ctx.principal, 'customer_id')),
      ),
    },
    Mutation: {
      setConsent: guarded(COMPLIANCE, (a: ConsentArgs, ctx) => setConsent(deps, a, ctx.principal)),
    },
  };
}

/** A customer's consent changes with their evidence; the utterance for compliance and admin, audited. */
function consentChangesResolver(deps: ResolverDeps) {
  return async (c: CustomerView, _: unknown, ctx: GqlContext) => {
    const rows = await consentChanges(deps.store, c.customerId);
    const whole = TRANSCRIPT_READERS.has(ctx.principal.role);
    if (whole && rows.some((r) => r.text_enc !== null))
      await audit(deps.store, ctx.principal, 'consent.evidence.read', c.customerId);
    return rows.map((r) => ({
      scope: r.scope,
      purpose: r.purpose,
      granted: r.granted,
      at: r.ts,
      source: r.source,
      callId: r.call_id,
      eventId: r.evidence_event_id,
      cue: r.cue,
      text: whole && r.text_enc !== null ? deps.unseal(r.text_enc) : null,
    }));
  };
}

interface ConsentArgs {
  customerId: string;
  scope: string;
  granted: boolean;
  purpose?: string | null;
}

/** Records a consent change as an event (through the pipeline, like any other), audited. */
async function setConsent(deps: ResolverDeps, a: ConsentArgs, principal: GqlContext['principal']) {
  await requireCustomer(deps.store, principal, a.customerId);
  if (!(CONSENT_SCOPES as readonly string[]).includes(a.scope))
    throw new DialwiseError('BAD_REQUEST', `scope must be one of ${CONSENT_SCOPES.join(', ')}`);
  const parsed = parseEvent({
    event_id: randomUUID(),
    type: 'consent.changed',
    ts: new Date(deps.clock.now()).toISOString(),
    schema_version: 1,
    customer_id: a.customerId,
    scope: a.scope,
    ...(a.purpose != null && { purpose: a.purpose }),
    granted: a.granted,
    evidence: { source: 'api', cue: `set by ${principal.name}`.slice(0, 128) },
  });
  if (!parsed.ok) throw new DialwiseError('BAD_REQUEST', parsed.reason);
  await deps.submit([parsed.event], []);
  await audit(
    deps.store,
    principal,
    a.granted ? 'consent.granted' : 'consent.revoked',
    `${a.customerId}:${a.scope}${a.purpose ? `/${a.purpose}` : ''}`,
  );
  const now = (await deps.profile(a.customerId))?.consent ?? {};
  return consentView(foldConsent(now, parsed.event as EventOf<'consent.changed'>));
}

/** A page of customers by intent score; no customer has an empty tag or one longer than tags are. */
async function customerPage(store: Store, a: CustomersArgs, scope: SqlScope) {
  if (a.tag !== undefined && a.tag !== null && (a.tag === '' || a.tag.length > MAX_TAG))
    return { customers: [], nextCursor: null };
  const page = await customerList(
    store,
    { ...a, tag: a.tag ?? undefined, limit: pageSize(a.limit, 20, 100) },
    scope,
  );
  return {
    ...page,
    customers: page.customers.map((c) => ({
      customerId: c.customer_id,
      intentScore: c.intent_score,
      tags: c.tags,
      calls: c.calls,
      lastCallAt: c.last_call_at,
    })),
  };
}
