/**
 * The contact record's offline work, for the CLI when no platform holds the
 * data folder: a customer's consent export, a do-not-call register import.
 * A running platform does both through its API (the CLI asks it first).
 */
import { consentExportOf, DncRegister, type DncImport } from '../analytics/records/index.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import { DuckDbSink, restoreProfile } from '../pipelines/index.js';
import { fieldCipher, openStore } from './setup.js';

async function onFile<T>(config: Config, logger: Logger, work: (store: Store) => Promise<T>) {
  const store = await openStore(config, logger);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** `dialwise consent export --customer ID` on the file: the ledger of the stored profile, the proof. */
export const consentExportOnFile = (config: Config, logger: Logger, clock: Clock, id: string) =>
  onFile(config, logger, async (store) => {
    const cipher = fieldCipher(config, logger);
    const [row] = await new DuckDbSink(store, { clock }).loadProfilesOf([id]);
    const ledger = row ? restoreProfile(row, cipher).consent : {};
    const nowIso = new Date(clock.now()).toISOString();
    return consentExportOf(store, id, ledger, (s) => cipher.decrypt(s), nowIso);
  });

/** `dialwise dnc import FILE …` on the file. */
export const dncImportOnFile = (config: Config, logger: Logger, clock: Clock, list: DncImport) =>
  onFile(config, logger, async (store) => {
    const register = await DncRegister.open(store, fieldCipher(config, logger));
    return register.import(list, new Date(clock.now()).toISOString());
  });
