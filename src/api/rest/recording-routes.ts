import { z } from 'zod';
import { AUDIO_TYPES, type Recordings } from '../../analytics/recordings/index.js';
import { idSchema } from '../../core/events/index.js';
import { DialwiseError } from '../../core/errors.js';
import type { Principal } from '../auth.js';
import { campaignSql } from '../scope.js';
import type { GraphqlDeps } from '../graphql/index.js';
import type { Store } from '../../core/store/store.js';
import { readBytes } from './http.js';
import { reply, route, type Route } from './route.js';

export interface RecordingDeps {
  /** Hosts (host or host:port) a recording may be fetched from; empty: fetching is off. */
  recordingFetchHosts?: readonly string[];
}

const instant = z.iso.datetime({ offset: true });

export const recordingResponse = z
  .object({
    call_id: z.string(),
    content_type: z.enum(AUDIO_TYPES),
    bytes: z.number().int(),
    sha256: z.string(),
    /** Known for WAV (from its header); null for compressed formats. */
    duration_s: z.number().nullable(),
    /** When the audio begins: the turns' offsets count from it (null: from the call's start). */
    started_at: z.string().nullable(),
    /** `upload`, or the host it was fetched from. */
    source: z.string(),
    stored_at: z.string(),
  })
  .meta({ id: 'Recording' });

const params = z.strictObject({ call_id: idSchema });
const uploadQuery = z.strictObject({ started_at: instant.optional() });
const fetchBody = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2_048),
  started_at: instant.optional(),
});

/** A key scoped to campaigns reaches only its campaigns' calls (a call not stored yet is none of them). */
async function requireOwnCall(store: Store, p: Principal | undefined, callId: string) {
  if (!p?.campaigns) return;
  const scope = campaignSql(p, 'campaign_id');
  const [row] = await store.query(`SELECT 1 FROM calls WHERE call_id = ? AND ${scope.sql}`, [
    callId,
    ...scope.params,
  ]);
  if (!row) throw new DialwiseError('NOT_FOUND', `no call ${callId} in this key's campaigns`);
}

/** The dialer's recording at `url`, on a listed host, no redirects, within the size limit and a minute. */
async function fetchRecording(url: string, hosts: readonly string[], max: number) {
  const u = new URL(url);
  if (!hosts.length)
    throw new DialwiseError(
      'FORBIDDEN',
      'fetching recordings is off: upload the audio, or list the host in DIALWISE_RECORDING_FETCH_HOSTS',
    );
  if (!hosts.includes(u.host.toLowerCase()) && !hosts.includes(u.hostname.toLowerCase()))
    throw new DialwiseError(
      'FORBIDDEN',
      `${u.host} is not a host recordings are fetched from (DIALWISE_RECORDING_FETCH_HOSTS)`,
    );
  const res = await fetch(u, { redirect: 'error', signal: AbortSignal.timeout(60_000) }).catch(
    (err: unknown) => {
      throw new DialwiseError('UPSTREAM_FAILED', `fetching ${u.host}: ${String(err)}`, {
        cause: err,
      });
    },
  );
  if (!res.ok) {
    await res.body?.cancel();
    throw new DialwiseError(
      'UPSTREAM_FAILED',
      `${u.host} answered ${res.status} for the recording`,
    );
  }
  return { bytes: await readBytes(res, max), host: u.host };
}

const notHere = () =>
  new DialwiseError('NOT_FOUND', 'this process keeps no recordings (the DuckDB file is elsewhere)');

/** Call recordings: the dialer uploads (or names where to fetch); compliance and admins play them back. */
// eslint-disable-next-line max-lines-per-function -- table-like: one entry per route
export function recordingRoutes(
  deps: RecordingDeps & Pick<GraphqlDeps, 'recordings' | 'store' | 'limits'>,
): Route[] {
  const recordings = (): Recordings => {
    if (!deps.recordings) throw notHere();
    return deps.recordings;
  };
  const answer = (r: { info: z.infer<typeof recordingResponse>; created: boolean }) =>
    reply<z.infer<typeof recordingResponse>>(r.info, r.created ? 201 : 200);
  const stored = {
    201: { description: 'Stored, sealed.', schema: recordingResponse },
    200: { description: 'The same audio was stored already (a retry).', schema: recordingResponse },
  };
  return [
    route<Buffer, z.infer<typeof uploadQuery>>({
      method: 'POST',
      path: '/calls/:call_id/recording',
      roles: ['dialer', 'admin'],
      params,
      query: uploadQuery,
      body: 'bytes',
      maxBytes: 'recording',
      doc: {
        tag: 'dialer',
        summary: "Upload a call's recording",
        description:
          "The audio as the body, sent as application/octet-stream or its own audio type (WAV, MP3, Ogg, WebM or MP4: recognised by its bytes, not by the header). Sealed under a key of its own on the recordings volume or bucket; kept as long as the call's turns. `started_at`: when the audio begins, if not at the call's start.",
        bodyType: 'application/octet-stream',
        responses: stored,
        errors: ['NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE'],
      },
      async handle({ params: p, query, body, principal }) {
        await requireOwnCall(deps.store, principal, p['call_id']!);
        return answer(
          await recordings().put(p['call_id']!, body, {
            startedAt: query.started_at,
            source: 'upload',
            by: principal!.name,
          }),
        );
      },
    }),
    route<z.infer<typeof fetchBody>>({
      method: 'POST',
      path: '/calls/:call_id/recording/fetch',
      roles: ['dialer', 'admin'],
      params,
      body: fetchBody,
      doc: {
        tag: 'dialer',
        summary: "Fetch a call's recording from the dialer",
        description:
          'The platform downloads the audio from `url` (only from the hosts DIALWISE_RECORDING_FETCH_HOSTS lists, no redirects) and stores it as an upload would.',
        responses: stored,
        errors: ['NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'UPSTREAM_FAILED'],
      },
      async handle({ params: p, body, principal }) {
        await requireOwnCall(deps.store, principal, p['call_id']!);
        const got = await fetchRecording(
          body.url,
          deps.recordingFetchHosts ?? [],
          deps.limits.recordingLimitBytes,
        );
        return answer(
          await recordings().put(p['call_id']!, got.bytes, {
            startedAt: body.started_at,
            source: got.host,
            by: principal!.name,
          }),
        );
      },
    }),
    route({
      method: 'GET',
      path: '/calls/:call_id/recording',
      roles: ['compliance', 'admin'],
      params,
      audit: { action: 'recordings.read', target: ({ params: p }) => p['call_id'] ?? '' },
      doc: {
        tag: 'export',
        summary: "Play a call's recording",
        description: 'The audio in the clear, never cached.',
        responses: { 200: { description: 'The audio.', type: [...AUDIO_TYPES] } },
        errors: ['NOT_FOUND'],
      },
      async handle({ params: p, principal }) {
        const id = p['call_id']!;
        await requireOwnCall(deps.store, principal, id);
        const audio = await recordings().open(id);
        if (!audio) throw new DialwiseError('NOT_FOUND', `call ${id} has no recording`);
        return new Response(new Uint8Array(audio.bytes), {
          headers: { 'content-type': audio.contentType, 'cache-control': 'no-store' },
        });
      },
    }),
    route({
      method: 'DELETE',
      path: '/calls/:call_id/recording',
      roles: ['admin'],
      params,
      audit: { action: 'recordings.delete', target: ({ params: p }) => p['call_id'] ?? '' },
      doc: {
        tag: 'admin',
        summary: "Delete a call's recording",
        description: 'The sealed audio first, then its row: a new upload may follow.',
        responses: { 204: { description: 'Deleted.' } },
        errors: ['NOT_FOUND'],
      },
      async handle({ params: p }) {
        if (!(await recordings().remove(p['call_id']!)))
          throw new DialwiseError('NOT_FOUND', `call ${p['call_id']} has no recording`);
        return new Response(null, { status: 204 });
      },
    }),
  ];
}
