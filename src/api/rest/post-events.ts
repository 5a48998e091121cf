import { DialwiseError } from '../../core/errors.js';
import { parseEvent, type DialwiseEvent } from '../../core/events/index.js';
import type { Principal } from '../auth.js';
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
  list.forEach((item, index) => {
    const r = parseEvent(item);
    if (r.ok) valid.push(r.event);
    else rejected.push({ index, reason: r.reason });
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
