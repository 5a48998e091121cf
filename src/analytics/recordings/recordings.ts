import { createHash, randomUUID } from 'node:crypto';
import { openBlob, sealBlob, type BlobStore } from '../../core/blobs/index.js';
import type { FieldCipher } from '../../core/crypto.js';
import { DialwiseError } from '../../core/errors.js';
import type { Store } from '../../core/store/store.js';
import { audioTypeOf, AUDIO_TYPES, wavSeconds, type AudioType } from './audio-type.js';

/** A stored recording as the API describes it (never its key or where it is). */
export interface RecordingInfo {
  call_id: string;
  content_type: AudioType;
  bytes: number;
  sha256: string;
  duration_s: number | null;
  started_at: string | null;
  source: string;
  stored_at: string;
}

export interface NewRecording {
  /** When the audio begins (ISO 8601); absent: the call's start is taken. */
  startedAt?: string | undefined;
  /** `upload`, or the host it was fetched from (never the URL: it may hold a token). */
  source: string;
  by: string;
}

const INFO = `call_id, content_type, bytes::DOUBLE AS bytes, sha256, duration_s,
  strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at, source,
  strftime(stored_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS stored_at`;

/**
 * Call recordings: each sealed under a key of its own (`core/blobs`) in a
 * local folder or an S3-compatible bucket, its row in DuckDB holding the
 * sealed key. The object is written before the row and removed before it,
 * so a row never names audio that a crash left unwritten; a crash between
 * the object and the row leaves at most an unnamed sealed object, which no
 * key in the database opens once its row is gone.
 */
export class Recordings {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly cipher: FieldCipher,
    private readonly now: () => number,
  ) {}

  /**
   * Stores a call's recording. The same bytes again answer what is stored
   * (a dialer's retry); other bytes for a call that has one are refused.
   */
  async put(
    callId: string,
    bytes: Buffer,
    r: NewRecording,
  ): Promise<{ info: RecordingInfo; created: boolean }> {
    const type = audioTypeOf(bytes);
    if (!type)
      throw new DialwiseError(
        'BAD_REQUEST',
        `not a recording: the body must be audio (${AUDIO_TYPES.join(', ')}), recognised by its first bytes`,
      );
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const had = await this.info(callId);
    if (had) return this.same(had, sha256);
    const object = `recordings/${randomUUID()}.bin`;
    const { keyEnc, blob } = sealBlob(this.cipher, bytes, callId);
    await this.blobs.put(object, blob);
    const stored = await this.store
      .transaction(async (tx) => {
        const [row] = await tx.all('SELECT 1 FROM recordings WHERE call_id = ?', [callId]);
        if (row) return false;
        await tx.run(
          `INSERT INTO recordings VALUES (?, ?, ?, ?, ?, ?, ?, ?::TIMESTAMPTZ, ?, ?, ?::TIMESTAMPTZ)`,
          [callId, object, keyEnc, type, bytes.length, sha256, wavSeconds(bytes)].concat([
            r.startedAt ?? null,
            r.source,
            r.by,
            new Date(this.now()).toISOString(),
          ]),
        );
        return true;
      })
      .catch(async (err: unknown) => {
        await this.blobs.delete(object).catch(() => undefined);
        throw err;
      });
    if (!stored) {
      // Another upload for the call won the race: keep its recording.
      await this.blobs.delete(object);
      return this.same((await this.info(callId))!, sha256);
    }
    return { info: (await this.info(callId))!, created: true };
  }

  private same(had: RecordingInfo, sha256: string) {
    if (had.sha256 !== sha256)
      throw new DialwiseError(
        'CONFLICT',
        `call ${had.call_id} has a recording already (sha256 ${had.sha256.slice(0, 12)}…): delete it first to replace it`,
      );
    return { info: had, created: false };
  }

  async info(callId: string): Promise<RecordingInfo | null> {
    const [row] = await this.store.query<RecordingInfo>(
      `SELECT ${INFO} FROM recordings WHERE call_id = ?`,
      [callId],
    );
    return row ?? null;
  }

  /** The audio in the clear, or null when the call has none. */
  async open(callId: string): Promise<{ bytes: Buffer; contentType: string } | null> {
    const [row] = await this.store.query<{ object: string; key_enc: string; content_type: string }>(
      'SELECT object, key_enc, content_type FROM recordings WHERE call_id = ?',
      [callId],
    );
    if (!row) return null;
    const blob = await this.blobs.get(row.object);
    if (!blob)
      throw new DialwiseError(
        'STORE_FAILED',
        `the recording of call ${callId} is missing from the recordings store`,
      );
    return {
      bytes: openBlob(this.cipher, row.key_enc, blob, callId),
      contentType: row.content_type,
    };
  }

  /** Deletes the recordings of the calls that `where` picks; how many went. */
  private async removeWhere(where: string, params: (string | number)[]): Promise<number> {
    const rows = await this.store.query<{ call_id: string; object: string }>(
      `SELECT call_id, object FROM recordings WHERE ${where}`,
      params,
    );
    for (const r of rows) {
      await this.blobs.delete(r.object);
      await this.store.transaction((tx) =>
        tx.run('DELETE FROM recordings WHERE call_id = ? AND object = ?', [r.call_id, r.object]),
      );
    }
    return rows.length;
  }

  remove(callId: string): Promise<number> {
    return this.removeWhere('call_id = ?', [callId]);
  }

  /** Recordings of calls that began before `cutoff` (the retention of turns: the audio holds the same words). */
  expire(cutoff: Date): Promise<number> {
    return this.removeWhere(
      `COALESCE(started_at, (SELECT c.started_at FROM calls c WHERE c.call_id = recordings.call_id), stored_at) < ?::TIMESTAMPTZ`,
      [cutoff.toISOString()],
    );
  }

  /** The recordings of these calls (a customer's, at erasure). */
  async removeCalls(callIds: readonly string[]): Promise<number> {
    let n = 0;
    for (const id of callIds) n += await this.remove(id);
    return n;
  }
}
