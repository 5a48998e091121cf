/**
 * Slack as its users use it: POST /slack/actions takes the presses of the
 * alert messages' buttons (Slack's interactivity request URL). Public, for
 * Slack's signature is the credential: the signing secret's, within five
 * minutes, never twice (slack-signature.ts). An Acknowledge press
 * acknowledges the open alert as the Slack user (audited as
 * `slack:<user id>`) and says so in the channel through the press's
 * response_url.
 */
import { z } from 'zod';
import { sendWithRetry, type AlertRunner } from '../../analytics/alerts/index.js';
import { audit } from '../../analytics/records/index.js';
import type { Clock } from '../../core/clock.js';
import { DialwiseError } from '../../core/errors.js';
import type { Store } from '../../core/store/store.js';
import { route, type Route } from './route.js';
import { ReplayGuard, verifySlackRequest } from './slack-signature.js';

export interface SlackDeps {
  /** The Slack app's signing secret; absent: the route answers 404. */
  slackSigningSecret?: string | undefined;
}

type Deps = SlackDeps & { alerts: AlertRunner; store: Store; clock: Clock };

/** The button press Slack posts (the fields used of its block_actions payload). */
const pressSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1).max(64), username: z.string().max(128).optional() }),
  actions: z
    .array(z.object({ action_id: z.string(), value: z.string().max(2_000).optional() }))
    .min(1),
  response_url: z.url().optional(),
});

/** What an Acknowledge button carries (alert-message.ts writes it). */
const alertRef = z.strictObject({ rule: z.string().min(1).max(128), key: z.string().max(256) });

/** The form Slack posts: its payload (a button press's is a few kilobytes). */
const form = z.strictObject({ payload: z.string().max(50_000) });

function pressOf(body: string): z.infer<typeof pressSchema> {
  const fields = form.safeParse(Object.fromEntries(new URLSearchParams(body)));
  if (!fields.success) throw new DialwiseError('BAD_REQUEST', 'the form holds one payload');
  let json: unknown;
  try {
    json = JSON.parse(fields.data.payload);
  } catch {
    throw new DialwiseError('BAD_REQUEST', 'payload: not JSON');
  }
  const r = pressSchema.safeParse(json);
  if (!r.success) throw new DialwiseError('BAD_REQUEST', `payload: ${r.error.issues[0]!.message}`);
  return r.data;
}

/** Acknowledges the press's alert; the line said in the channel. */
async function acknowledgeFrom(deps: Deps, press: z.infer<typeof pressSchema>): Promise<string> {
  let value: unknown;
  try {
    value = JSON.parse(press.actions[0]!.value ?? 'null');
  } catch {
    value = null;
  }
  const ref = alertRef.safeParse(value);
  if (!ref.success) throw new DialwiseError('BAD_REQUEST', 'the button names no alert');
  const { rule, key } = ref.data;
  const who = `<@${press.user.id}>`;
  try {
    await deps.alerts.acknowledge(rule, key);
  } catch (err) {
    if (err instanceof DialwiseError && err.code === 'NOT_FOUND')
      return `The alert of rule \`${rule}\` (${key}) is no longer open: nothing to acknowledge, ${who}.`;
    throw err;
  }
  await audit(
    deps.store,
    { name: `slack:${press.user.id}`, role: 'slack' },
    'alert.acknowledged',
    `${rule}:${key}`,
  );
  return `✅ ${who} acknowledged the alert of rule \`${rule}\` (${key}).`;
}

export function slackRoutes(deps: Deps): Route[] {
  const replays = new ReplayGuard();
  return [
    route<string>({
      method: 'POST',
      path: '/slack/actions',
      roles: 'public',
      body: 'raw',
      doc: {
        tag: 'slack',
        summary: "Slack's button presses on alert messages (Acknowledge)",
        description:
          "Slack's interactivity request URL. Signed by Slack with the app's signing secret (`SLACK_SIGNING_SECRET`): X-Slack-Signature over the body and X-Slack-Request-Timestamp, within five minutes, each request once. An Acknowledge press acknowledges the alert as the Slack user and says so in the channel.",
        bodySchema: form,
        bodyType: 'application/x-www-form-urlencoded',
        responses: { 200: { description: 'Taken (Slack shows the answer in the channel).' } },
        errors: ['UNAUTHENTICATED', 'NOT_FOUND'],
      },
      async handle({ body, request }) {
        const secret = deps.slackSigningSecret;
        if (!secret) throw new DialwiseError('NOT_FOUND', 'Slack interactivity is not set up here');
        const check = verifySlackRequest(
          secret,
          {
            timestamp: request.headers.get('x-slack-request-timestamp'),
            signature: request.headers.get('x-slack-signature'),
            body,
          },
          Math.floor(deps.clock.now() / 1000),
          replays,
        );
        if (!check.ok) throw new DialwiseError('UNAUTHENTICATED', `Slack request: ${check.reason}`);
        const press = pressOf(body);
        if (press.actions[0]!.action_id !== 'acknowledge') return new Response(null);
        const text = await acknowledgeFrom(deps, press);
        if (press.response_url)
          void sendWithRetry(
            press.response_url,
            { replace_original: false, response_type: 'in_channel', text },
            { attempts: 3, clock: deps.clock },
          );
        return new Response(null);
      },
    }),
  ];
}
