import { join } from 'node:path';
import { DecisionClient, EventClient } from '../client/index.js';
import { isManual, type Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import {
  campaignPolicy,
  eligibility,
  loadScripts,
  offeredVariants,
  type DialingRules,
} from '../decision/index.js';
import type {
  ContactRules,
  Costs,
  LinesFor,
  Scenario,
  SimCustomer,
  TwinTarget,
} from '../twin/index.js';
import { canonicalValue, type CrmMapping } from '../pipelines/index.js';
import { decisionConfigDir, readJson } from './setup.js';

/** The industry as the platform stores it: the CRM's spelling (零售) canonicalised. */
const canonicalIndustry = (industry: string, mapping?: CrmMapping) =>
  mapping ? canonicalValue(mapping, 'industry', industry) : industry;

/**
 * The lines the platform's script library (config/scripts.json) may say to
 * a segment's customer whose industry is known and who carries no tags
 * yet: what the oracle picks its best lines from. A line kept for tagged
 * customers (a returning customer's opening, a VIP's) is not said to them.
 */
export function twinLines(config: Config, mapping?: CrmMapping): LinesFor {
  const library = loadScripts(readJson(join(decisionConfigDir(config), 'scripts.json')), () => []);
  return (segment, node) => {
    if (!Object.hasOwn(library.nodes, node)) return undefined;
    const industry = canonicalIndustry(segment.industry, mapping);
    return offeredVariants(library, node, { tags: [], crm: { industry } }).map((v) => v.id);
  };
}

/**
 * The platform's own dialing rules as the twin audits every policy against
 * them: the calling windows of the customer's industry in their zone, and
 * the campaign's weekly cap on calls.
 */
export function twinRules(
  rules: DialingRules,
  campaignId: string,
  mapping?: CrmMapping,
): ContactRules {
  const policy = campaignPolicy(rules, campaignId);
  const bare = (c: SimCustomer) => ({
    customerId: c.id,
    crm: { industry: canonicalIndustry(c.industry, mapping), timezone: c.timeZone },
    consent: {},
    doNotCall: false,
    dncListed: null,
    touches: [],
  });
  return {
    inWindow: (c, atMs) => eligibility(bare(c), atMs, rules, campaignId).ok,
    cap: {
      touches: Math.min(policy.cap.touches, policy.cap.perChannel.call ?? Infinity),
      days: policy.cap.days,
    },
  };
}

/** Dials from the scenario, minutes as the platform's config costs them. */
export const twinCosts = (config: Config, scenario: Scenario): Costs => ({
  dial: scenario.costs.dial,
  botMinute: config.costPerMinuteBot,
  agentMinute: config.costPerMinuteAgent,
});

/**
 * The platform at `url` as the twin drives it: its API with the given key,
 * and its clock — moved in process when the caller holds a virtual one, by
 * `POST /admin/clock` when `remote`, not at all on the wall clock.
 */
export function platformTarget(opts: {
  url: string;
  apiKey: string;
  campaignId: string;
  clock?: Clock;
  remote?: boolean;
  /** The fetch the clients use (a bench's, to time each request). */
  fetch?: typeof fetch;
}): TwinTarget {
  const client = {
    url: opts.url,
    apiKey: opts.apiKey,
    timeoutMs: 60_000,
    ...(opts.fetch && { fetch: opts.fetch }),
  };
  const local = opts.clock && isManual(opts.clock) ? opts.clock : undefined;
  return {
    decisions: new DecisionClient(client),
    events: new EventClient({ ...client, maxBatchEvents: 2_000 }),
    campaignId: opts.campaignId,
    virtual: Boolean(local ?? opts.remote),
    async advance(ms) {
      if (local) local.set(ms);
      else if (opts.remote) {
        const res = await fetch(`${opts.url}/admin/clock`, {
          method: 'POST',
          headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ to: new Date(ms).toISOString() }),
        });
        if (!res.ok) throw new Error(`POST /admin/clock: ${res.status} ${await res.text()}`);
      }
    },
  };
}
