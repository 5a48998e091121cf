import { DialwiseError } from '../../core/errors.js';
import { parseEvent, type DialwiseEvent } from '../../core/events/index.js';
import type { Principal } from '../auth.js';
import { correctionEventProblem } from '../../models/correction-labels.js';
import { correctionVocabulary } from '../correction-vocabulary.js';
import { campaignFor } from '../scope.js';
import type { ApiDeps } from '../server.js';
import { parseJson } from './http.js';
import { reply } from './route.js';
import { MAX_EVENTS_PER_REQUEST, type EventsResponse } from './schemas.js';

/** Invalid events are dead-lettered and reported by index; the rest are taken in. */
export async function postEvents(
  deps: ApiDeps,
  text: string,
  by: Principal,
  forwarded: boolean,
): Promise<Response> {
  let items: unknown;
  try {
    items = parseJson(text, deps.limits.jsonDepthLimit);
  } catch (err) {
    await deps.submit([], [text]);
    throw err;
  }
  const list = Array.isArray(items) ? items : [items];
  if (list.length > MAX_EVENTS_PER_REQUEST)
    throw new DialwiseError(
      'BAD_REQUEST',
      `at most ${MAX_EVENTS_PER_REQUEST} events per request, got ${list.length}`,
    );
  const valid: DialwiseEvent[] = [];
  const rejected: { index: number; reason: string }[] = [];
  const parsed = list.map((item) => parseEvent(item));
  // A correction's labels: only those the served models know (an agent's typo would teach a class nobody serves).
  const vocabulary = parsed.some((r) => r.ok && r.event.type === 'correction.submitted')
    ? await correctionVocabulary(deps.models)
    : undefined;
  parsed.forEach((r, index) => {
    const reason = r.ok ? vocabulary && correctionEventProblem(r.event, vocabulary) : r.reason;
    if (r.ok && !reason) valid.push(r.event);
    else rejected.push({ index, reason: reason! });
  });
  // A campaign-scoped sender writes only its campaigns' calls and messages.
  for (const e of valid) if ('campaign_id' in e && e.campaign_id) campaignFor(by, e.campaign_id);
  await deps.submit(
    valid,
    rejected.map((r) => JSON.stringify(list[r.index])),
    forwarded,
  );
  return reply<EventsResponse>(
    { accepted: valid.length, rejected },
    rejected.length && !valid.length ? 400 : 202,
  );
}
