/**
 * The live dialer's routes: a call's turns and context, whom to dial next,
 * transfers picked up, agents and script roll-outs. With decision replicas
 * a call is decided where its customer is owned (the hot path relays it);
 * whom to dial is gathered from every replica; a change of agents or
 * scripts reaches every replica before it is answered.
 */
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import { DialwiseError } from '../../core/errors.js';
import { audit } from '../../analytics/records/index.js';
import {
  libraryToRollOut,
  mergeRankings,
  scriptLibrarySchema,
  type DecisionEngine,
} from '../../decision/index.js';
import { COMPLIANCE, DIALER, LIVE_READERS } from '../auth.js';
import { appliedEverywhere, FORWARDED_HEADER, type Replicas } from '../replicas.js';
import { campaignFor, scopedTurn } from '../scope.js';
import type { ApiDeps } from '../server.js';
import { ROLL_BACK_PATH, ROLL_OUT_PATH, scriptAuthoring } from '../script-authoring.js';
import { scriptsCurrentRequest, scriptsResponse } from './admin-schemas.js';
import { requestIdOf } from './http.js';
import { reply, route, type Route } from './route.js';
import {
  agentStatusRequest,
  attemptRequest,
  contextQuery,
  dialogContext,
  nextRequest,
  nextResponse,
  pickupRequest,
  turnRequest,
  turnResponse,
  type DialogContext,
  type NextResponse,
  type TurnResponse,
} from './schemas.js';

/** The other replicas, for a request not relayed already (none on one process). */
const othersFor = (deps: ApiDeps, request: Request) =>
  deps.replicas && !request.headers.has(FORWARDED_HEADER) ? deps.replicas : undefined;

/** This request's body, relayed to every other replica with its caller's key: their answers. */
const askOthers = (others: Replicas, request: Request, path: string, body: unknown) =>
  others.everywhere({
    path,
    body: JSON.stringify(body),
    authorization: request.headers.get('authorization'),
  });

/** The same request, applied by every other replica: any that refuses makes it fail. */
async function onEveryReplica(deps: ApiDeps, request: Request, path: string, body: unknown) {
  const others = othersFor(deps, request);
  if (!others) return;
  appliedEverywhere(await askOthers(others, request, path, body));
}

// eslint-disable-next-line max-lines-per-function -- table-like: one entry per route
export function decisionRoutes(
  deps: ApiDeps & { clock: Clock },
  engine: () => DecisionEngine,
): Route[] {
  const authoring = scriptAuthoring(deps);
  return [
    route<z.infer<typeof turnRequest>>({
      method: 'POST',
      path: '/dialog/turn',
      roles: DIALER,
      body: turnRequest,
      doc: {
        tag: 'dialer',
        summary: "What the customer just said: the bot's next move",
        description:
          "Hears the turn (intent, emotion, slots, opt-outs), moves the 12-state dialog flow and answers what to say, whether to transfer to a human (with the context pushed to the agent desktop) or to end. A spoken opt-out is honoured at once; the dialing rules are checked on the first turn. A `turn_id` seen among the call's last 16 is a retry: the same decision comes back. Send X-Request-Id (a plain token) to trace the turn: it is answered back and stored with both turns (one is made when absent).",
        responses: { 200: { description: 'The next move.', schema: turnResponse } },
        errors: ['CONFLICT'],
      },
      async handle({ body, principal, request }) {
        await deps.readyFor?.(body.customer_id);
        const request_id = requestIdOf(request.headers.get('x-request-id'));
        const decision = await engine().converse(scopedTurn(principal!, { ...body, request_id }));
        const res = reply<TurnResponse>(decision);
        res.headers.set('x-request-id', request_id);
        return res;
      },
    }),
    route<undefined, { call_id: string }>({
      method: 'GET',
      path: '/dialog/context',
      roles: LIVE_READERS,
      query: contextQuery,
      doc: {
        tag: 'dialer',
        summary: 'A call in progress: state, slots, last turns and decision',
        description: 'For the agent desktop and supervisors while the call lasts.',
        responses: { 200: { description: 'The call now.', schema: dialogContext } },
        errors: ['NOT_FOUND'],
      },
      audit: {
        action: 'transcript.live.read',
        target: ({ url }) => url.searchParams.get('call_id') ?? '',
      },
      async handle({ query, principal, request, url }) {
        const authorization = request.headers.get('authorization');
        const found =
          engine().context(query.call_id) ??
          ((await othersFor(deps, request)?.find(url.pathname + url.search, authorization)) as
            DialogContext | null | undefined);
        const mine = principal!.campaigns;
        const context = found && (!mine || mine.includes(found.campaign_id ?? '')) ? found : null;
        if (!context) throw new DialwiseError('NOT_FOUND', `no call ${query.call_id} in progress`);
        return reply<DialogContext>(context);
      },
    }),
    route<z.infer<typeof nextRequest>>({
      method: 'POST',
      path: '/dialer/next',
      roles: DIALER,
      body: nextRequest,
      doc: {
        tag: 'dialer',
        summary: 'Whom to call now, best first',
        description:
          'Due callbacks first, then customers ranked by the chance they answer and their intent; those the dialing rules forbid now (do-not-call, consent, at most 3 contacts a week, calling windows) are left out and counted by reason. `pacingRatio` is how many lines to dial per free agent.',
        responses: { 200: { description: 'The ranking.', schema: nextResponse } },
      },
      async handle({ body, principal, request }) {
        const here = engine().next(body.limit, campaignFor(principal!, body.campaign_id));
        const others = othersFor(deps, request);
        if (!others) return reply<NextResponse>(here);
        // Each replica ranks the customers it owns: the best of all of them.
        const there = (await askOthers(others, request, '/dialer/next', body))
          .filter((a) => a.status === 200)
          .map((a) => JSON.parse(a.body) as NextResponse);
        const all = [here, ...there];
        const pacingRatio = all.reduce((n, r) => n + r.pacingRatio, 0) / all.length;
        return reply<NextResponse>({ ...mergeRankings(all, body.limit), pacingRatio });
      },
    }),
    route<{ outcome: 'connected' | 'abandoned' | 'unanswered'; ts?: string | undefined }>({
      method: 'POST',
      path: '/dialer/attempt',
      roles: DIALER,
      body: attemptRequest,
      doc: {
        tag: 'dialer',
        summary: 'What became of a dial (for pacing)',
        description:
          'Connected, abandoned (no agent was free) or unanswered: the pacing ratio follows.',
        responses: { 204: { description: 'Counted.' } },
      },
      handle({ body }) {
        engine().attempt(body.ts ? new Date(body.ts) : undefined, body.outcome);
        return new Response(null, { status: 204 });
      },
    }),
    route<{ call_id: string; agent_id: string }>({
      method: 'POST',
      path: '/dialog/pickup',
      roles: DIALER,
      body: pickupRequest,
      doc: {
        tag: 'dialer',
        summary: 'An agent took a transferred call',
        description:
          'Stops the pickup deadline of the transfer; the agent is busy until marked available.',
        responses: { 204: { description: 'Recorded.' } },
        errors: ['NOT_FOUND'],
      },
      async handle({ body, principal, request }) {
        const mine = principal!.campaigns;
        const others = othersFor(deps, request);
        // The call's context only where it is needed: a scoped key, or replicas to ask.
        const call = (mine || others) && engine().context(body.call_id);
        if (call && mine && !mine.includes(call.campaign_id ?? ''))
          throw new DialwiseError('NOT_FOUND', `call ${body.call_id} has no transfer waiting`);
        if (!call && others) {
          // The call is another replica's: the one that holds it takes the pickup.
          const answers = await askOthers(others, request, '/dialog/pickup', body);
          if (answers.some((a) => a.status === 204)) return new Response(null, { status: 204 });
        }
        engine().pickedUp(body.call_id, body.agent_id);
        return new Response(null, { status: 204 });
      },
    }),
    route<{ agent_id: string; available: boolean }>({
      method: 'POST',
      path: '/agents/status',
      roles: DIALER,
      body: agentStatusRequest,
      doc: {
        tag: 'dialer',
        summary: 'An agent is free, or not',
        description:
          'Transfers are routed by skill to free agents; on decision replicas every replica hears it before the answer.',
        responses: { 204: { description: 'Recorded.' } },
        errors: ['NOT_FOUND'],
      },
      async handle({ body, request }) {
        engine().setAgentAvailable(body.agent_id, body.available);
        await onEveryReplica(deps, request, '/agents/status', body);
        return new Response(null, { status: 204 });
      },
    }),
    route<unknown>({
      method: 'POST',
      path: ROLL_OUT_PATH,
      roles: ['admin'],
      body: z.unknown(),
      doc: {
        tag: 'admin',
        summary: 'Roll out a script library',
        description:
          'A new version of the scripts (nodes by dialog state, variants matched to tags, experiments), live without review (drafts proposed in the dashboard are reviewed first). Every line must pass the compliance rules; a version used already is refused.',
        bodySchema: scriptLibrarySchema,
        responses: { 201: { description: 'Live now.', schema: scriptsResponse } },
      },
      async handle({ body, request, principal }) {
        const library = libraryToRollOut(body, deps.checkBotLine);
        try {
          engine().rollOutScripts(library);
        } catch (err) {
          // A version used already is the caller's mistake here, not the server's config.
          if (err instanceof DialwiseError && err.code === 'CONFIG_INVALID')
            throw new DialwiseError('BAD_REQUEST', err.message);
          throw err;
        }
        await audit(deps.store, principal!, 'scripts.rollout', library.version);
        await onEveryReplica(deps, request, ROLL_OUT_PATH, body);
        return reply<z.infer<typeof scriptsResponse>>({ version: library.version }, 201);
      },
    }),
    route<z.infer<typeof scriptsCurrentRequest>>({
      method: 'POST',
      path: ROLL_BACK_PATH,
      roles: COMPLIANCE,
      body: scriptsCurrentRequest,
      doc: {
        tag: 'admin',
        summary: 'Make a loaded script version current again (a rollback)',
        description:
          'New calls start on it; calls in progress keep theirs. Audited; on decision replicas every replica makes it current before the answer.',
        responses: { 200: { description: 'Current now.', schema: scriptsResponse } },
        errors: ['NOT_FOUND'],
      },
      async handle({ body, request, principal }) {
        const relayed = request.headers.has(FORWARDED_HEADER);
        const version = await authoring.rollBack(principal!, body.version, relayed);
        return reply<z.infer<typeof scriptsResponse>>({ version });
      },
    }),
    route<Record<string, never>>({
      method: 'POST',
      path: '/replicas/sync',
      roles: ['admin'],
      body: z.strictObject({}),
      doc: {
        tag: 'admin',
        summary: 'Wait until this decision replica has caught up',
        description: 'Answers once the replica has applied every event its peers had when asked.',
        responses: { 204: { description: 'Caught up.' } },
        errors: ['NOT_FOUND'],
      },
      async handle() {
        if (!deps.replicas)
          throw new DialwiseError('NOT_FOUND', 'this process is not a decision replica');
        await deps.replicas.caughtUp();
        return new Response(null, { status: 204 });
      },
    }),
  ];
}
