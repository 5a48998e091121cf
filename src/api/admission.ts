import { audit } from '../analytics/records/index.js';
import { DialwiseError } from '../core/errors.js';
import type { Store } from '../core/store/store.js';
import { cachedAuthenticator, requireRole, type Principal } from './auth.js';
import type { ApiLimits } from './limits.js';
import { RateLimiter } from './rest/rate-limit.js';
import type { Route } from './rest/routes.js';
import type { Clock } from '../core/clock.js';

/** Who may come in: the key, its rate, its role. */
export interface Admission {
  /**
   * The key's principal, within its rate; 401, 429 otherwise. The dialer's
   * routes (decisions, ingest) carry the voice bots' traffic and have their
   * own, higher rate per key; everything else (GraphQL, exports, admin) the
   * general one.
   */
  principalOf(authorization: string | null, dialerRoute: boolean): Promise<Principal>;
  /** Role check; on routes that read transcripts or personal data a denial is audited too. */
  authorize(
    route: Route,
    principal: Principal,
    url: URL,
    params: Record<string, string>,
  ): Promise<void>;
}

const unauthenticated = () =>
  new DialwiseError(
    'UNAUTHENTICATED',
    'missing or invalid API key: send Authorization: Bearer <key>',
  );

export function createAdmission(deps: {
  store: Store;
  limits: ApiLimits;
  clock: Clock;
}): Admission {
  const { store, limits } = deps;
  const authenticate = cachedAuthenticator(store, undefined, deps.clock);
  const limiter = new RateLimiter(() => deps.clock.now());
  return {
    async principalOf(authorization, dialerRoute) {
      const principal = await authenticate(authorization);
      if (!principal) throw unauthenticated();
      const rate = dialerRoute ? limits.rateLimitDialer : limits.rateLimit;
      const wait = limiter.take(`${principal.name}\u0000${dialerRoute ? 'd' : 'q'}`, rate);
      if (wait)
        throw new DialwiseError(
          'RATE_LIMITED',
          `key "${principal.name}" is over ${rate} requests per second`,
          { retryAfterS: wait },
        );
      return principal;
    },
    async authorize(r, principal, url, params) {
      if (r.roles === 'public') return;
      try {
        requireRole(principal, r.roles);
      } catch (err) {
        if (r.audit)
          await audit(
            store,
            principal,
            `${r.audit.action}.denied`,
            r.audit.target({ url, params }),
          );
        throw err;
      }
    },
  };
}
