import { audit } from '../analytics/records/index.js';
import { DialwiseError } from '../core/errors.js';
import type { Admission } from './admission.js';
import { DIALER } from './auth.js';
import { consentPageRoutes } from './rest/consent-page-routes.js';
import { parseJson, readBody, readBytes, validate } from './rest/http.js';
import { privacyRoutes } from './rest/privacy-routes.js';
import { recordingRoutes } from './rest/recording-routes.js';
import { referenceRoutes } from './rest/reference-routes.js';
import { restRoutes, type Route } from './rest/routes.js';
import { retentionRoutes } from './rest/retention-routes.js';
import { slackRoutes } from './rest/slack-routes.js';

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
  /** A route of the dialer's (its roles are the dialer's): decisions and ingest, rated as such. */
  dialer: boolean;
}

const compile = (route: Route): Compiled => {
  const names: string[] = [];
  const source = route.path.replace(/:([a-z_]+)/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  const { roles } = route;
  const dialer =
    roles !== 'public' && roles.length === DIALER.length && DIALER.every((x) => roles.includes(x));
  return { route, pattern: new RegExp(`^${source}$`), names, dialer };
};

/** A path segment decoded; a malformed escape (`%E0`) is the client's 400, not a 500. */
function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new DialwiseError(
      'BAD_REQUEST',
      `malformed escape in path segment "${raw.slice(0, 64)}"`,
    );
  }
}

/** Every REST route, the reference's own (the OpenAPI document of the others) last. */
export function apiRoutes(deps: Parameters<typeof restRoutes>[0]): Route[] {
  const table = [
    ...restRoutes(deps),
    ...retentionRoutes(deps),
    ...privacyRoutes(deps),
    ...consentPageRoutes(deps),
    ...slackRoutes(deps),
    ...recordingRoutes(deps),
  ];
  return [...table, ...referenceRoutes(table)];
}

/**
 * The REST routes matched by method and path: key, rate and role checked,
 * query and body validated, audited where the route says so. Null when no
 * route has the path; 405 when one has it for another method.
 */
export function restDispatcher(
  deps: Parameters<typeof restRoutes>[0],
  admission: Admission,
): (request: Request, url: URL) => Promise<Response | null> {
  const routes = apiRoutes(deps).map(compile);
  const { limits } = deps;

  async function run(c: Compiled, match: RegExpExecArray, request: Request, url: URL) {
    const r = c.route;
    const params = Object.fromEntries(c.names.map((n, i) => [n, decodeParam(match[i + 1]!)]));
    const principal =
      r.roles === 'public'
        ? undefined
        : await admission.principalOf(request.headers.get('authorization'), c.dialer);
    if (principal) await admission.authorize(r, principal, url, params);
    if (r.params) validate(params, r.params, 'path');
    const query = r.query
      ? validate(Object.fromEntries(url.searchParams), r.query, 'query')
      : undefined;
    let body: unknown;
    if (r.body) {
      const max = {
        events: limits.eventsBodyLimitBytes,
        recording: limits.recordingLimitBytes,
        default: limits.bodyLimitBytes,
      }[r.maxBytes ?? 'default'];
      if (r.body === 'bytes') body = await readBytes(request, max);
      else {
        const text = await readBody(request, max);
        body = r.body === 'raw' ? text : validate(parseJson(text, limits.jsonDepthLimit), r.body);
      }
    }
    const res = await r.handle({ request, url, principal, params, body, query });
    if (r.audit && principal)
      await audit(deps.store, principal, r.audit.action, r.audit.target({ url, params }));
    return res;
  }

  return async (request, url) => {
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const onPath = routes
      .map((c) => ({ c, m: c.pattern.exec(url.pathname) }))
      .filter((x): x is { c: Compiled; m: RegExpExecArray } => x.m !== null);
    const hit = onPath.find((x) => x.c.route.method === method);
    if (hit) return run(hit.c, hit.m, request, url);
    if (onPath.length) {
      const allow: string[] = onPath.map((x) => x.c.route.method);
      if (allow.includes('GET')) allow.push('HEAD');
      throw new DialwiseError(
        'METHOD_NOT_ALLOWED',
        `${request.method} ${url.pathname}: use ${allow.join(', ')}`,
        { allow },
      );
    }
    return null;
  };
}
