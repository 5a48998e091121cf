/**
 * A script version proposed for review: a business user proposes a whole
 * library, a second person approves it (it then goes live) or rejects it
 * with a reason. The rules are pure; ScriptDrafts keeps drafts in DuckDB
 * (`script_drafts`, migration 20), so a review survives a restart.
 */
import { randomUUID } from 'node:crypto';
import { DialwiseError } from '../../core/errors.js';
import type { Store } from '../../core/store/store.js';
import type { BotLineCheck, ScriptLibrary } from './script-library.js';
import { libraryToRollOut } from './script-lines.js';

export const DRAFT_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

export interface ScriptDraft {
  id: string;
  version: string;
  /** The version current when it was proposed (what it was edited from). */
  baseVersion: string;
  library: ScriptLibrary;
  proposedBy: string;
  proposedAt: string;
  status: DraftStatus;
  reviewedBy: string | null;
  reviewedAt: string | null;
  /** Why it was rejected. */
  reason: string | null;
}

/**
 * A proposal fit for review: a valid library whose every line the rules
 * allow, under a version name no loaded version or pending draft has.
 */
export function draftLibrary(
  json: unknown,
  checkBotLine: BotLineCheck,
  taken: (version: string) => boolean,
): ScriptLibrary {
  const library = libraryToRollOut(json, checkBotLine);
  if (taken(library.version))
    throw new DialwiseError(
      'CONFLICT',
      `scripts version ${library.version} is loaded or proposed already; name the draft anew`,
    );
  return library;
}

/** Throws unless `reviewer` may approve or reject the draft now: pending, and not their own. */
export function checkReviewer(draft: ScriptDraft, reviewer: string): void {
  if (draft.status !== 'pending')
    throw new DialwiseError('CONFLICT', `draft ${draft.id} was ${draft.status} already`);
  if (draft.proposedBy === reviewer)
    throw new DialwiseError(
      'FORBIDDEN',
      `${reviewer} proposed draft ${draft.id}: someone else must review it`,
    );
}

interface DraftRow {
  id: string;
  version: string;
  base_version: string;
  library: string;
  proposed_by: string;
  proposed_ms: number;
  status: DraftStatus;
  reviewed_by: string | null;
  reviewed_ms: number | null;
  reason: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

const draftOf = (r: DraftRow): ScriptDraft => ({
  id: r.id,
  version: r.version,
  baseVersion: r.base_version,
  library: JSON.parse(r.library) as ScriptLibrary,
  proposedBy: r.proposed_by,
  proposedAt: iso(r.proposed_ms),
  status: r.status,
  reviewedBy: r.reviewed_by,
  reviewedAt: r.reviewed_ms === null ? null : iso(r.reviewed_ms),
  reason: r.reason,
});

const SELECT = `SELECT id, version, base_version, library::VARCHAR AS library, proposed_by,
  epoch_ms(proposed_at)::DOUBLE AS proposed_ms, status, reviewed_by,
  epoch_ms(reviewed_at)::DOUBLE AS reviewed_ms, reason FROM script_drafts`;

/** Drafts as stored, newest first. */
export class ScriptDrafts {
  constructor(private readonly store: Store) {}

  async add(
    library: ScriptLibrary,
    by: { name: string; baseVersion: string; atMs: number },
  ): Promise<ScriptDraft> {
    const id = randomUUID();
    await this.store.transaction((tx) =>
      tx.run(
        `INSERT INTO script_drafts (id, version, base_version, library, proposed_by, proposed_at, status)
         VALUES (?, ?, ?, ?::JSON, ?, ?::TIMESTAMPTZ, 'pending')`,
        [id, library.version, by.baseVersion, JSON.stringify(library), by.name, iso(by.atMs)],
      ),
    );
    return this.get(id);
  }

  async get(id: string): Promise<ScriptDraft> {
    const [row] = await this.store.query<DraftRow>(`${SELECT} WHERE id = ?`, [id]);
    if (!row) throw new DialwiseError('NOT_FOUND', `no script draft ${id}`);
    return draftOf(row);
  }

  /** The newest `limit` drafts, of one status or all. */
  async list(status?: DraftStatus, limit = 50): Promise<ScriptDraft[]> {
    const rows = await this.store.query<DraftRow>(
      `${SELECT} ${status ? 'WHERE status = ?' : ''} ORDER BY proposed_at DESC, id LIMIT ?`,
      status ? [status, limit] : [limit],
    );
    return rows.map(draftOf);
  }

  /** The versions pending drafts hold. */
  async pendingVersions(): Promise<Set<string>> {
    const rows = await this.store.query<{ version: string }>(
      "SELECT version FROM script_drafts WHERE status = 'pending'",
    );
    return new Set(rows.map((r) => r.version));
  }

  /** Records the review of a pending draft (CONFLICT if it was reviewed meanwhile). */
  async review(
    id: string,
    outcome: { status: Exclude<DraftStatus, 'pending'>; by: string; atMs: number; reason?: string },
  ): Promise<ScriptDraft> {
    const done = await this.store.transaction((tx) =>
      tx.all(
        `UPDATE script_drafts SET status = ?, reviewed_by = ?, reviewed_at = ?::TIMESTAMPTZ, reason = ?
         WHERE id = ? AND status = 'pending' RETURNING id`,
        [outcome.status, outcome.by, iso(outcome.atMs), outcome.reason ?? null, id],
      ),
    );
    if (done.length === 0) throw new DialwiseError('CONFLICT', `draft ${id} is not pending`);
    return this.get(id);
  }
}
