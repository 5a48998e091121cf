import { DialwiseError } from '../../core/errors.js';
import type { Store } from '../../core/store/store.js';

export interface Principal {
  name: string;
  role: string;
}

/** Roles allowed to read customers' words and personal data. */
export const TRANSCRIPT_READERS: ReadonlySet<string> = new Set(['compliance', 'admin']);

/** One audit_log row: who did what to which target (never the data itself). */
export const audit = (store: Store, who: Principal, action: string, target: string) =>
  store.transaction((tx) =>
    tx.run('INSERT INTO audit_log VALUES (now(), ?, ?, ?, ?)', [
      who.name,
      who.role,
      action,
      target,
    ]),
  );

/** Throws FORBIDDEN for roles that may not read transcripts, after auditing the denial. */
export async function requireTranscriptReader(
  store: Store,
  principal: Principal,
  deniedAction: string,
  target: string,
): Promise<void> {
  if (TRANSCRIPT_READERS.has(principal.role)) return;
  await audit(store, principal, deniedAction, target);
  throw new DialwiseError('FORBIDDEN', `role ${principal.role} may not read transcripts`);
}
