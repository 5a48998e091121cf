import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { createPubSub } from 'graphql-yoga';
import { AlertRunner } from '../analytics/alerts/index.js';
import { SearchIndexer } from '../analytics/search/index.js';
import {
  apiMetrics,
  createApiKey,
  newApiKey,
  type Commits,
  createApi,
  type ApiDeps,
} from '../api/index.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { CONSENT_LINK_LABEL } from '../core/consent-link.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import type { ModelName } from '../models/registry.js';
import type { TurnModels } from '../models/types.js';
import { mapCrmFields, type DuckDbSink } from '../pipelines/index.js';
import { customerEraser } from './erasure.js';
import { recordingsOf } from './recordings.js';
import { removeRunFile, writeRunFile } from './run-file.js';
import {
  botLineRules,
  crmMappingOf,
  dialingRulesOf,
  fieldCipher,
  packageRoot,
  registryOf,
} from './setup.js';
import { retentionJob } from './retention.js';
import { alertRounds, dailyDigest, storeUpkeep } from './upkeep.js';

export interface ApiService {
  url: string;
  adminKey: string;
  /** Whether adminKey was generated at this start (else it came from DIALWISE_ADMIN_KEY). */
  adminKeyGenerated: boolean;
  alerts: AlertRunner;
  stop(): Promise<void>;
}

export type ApiServiceDeps = Pick<
  ApiDeps,
  | 'submit'
  | 'busKind'
  | 'metrics'
  | 'profile'
  | 'decisions'
  | 'readyFor'
  | 'health'
  | 'dnc'
  | 'replicas'
> & {
  store: Store;
  /** The store's sink: how much it took in tells live subscriptions when to look again. */
  sink: DuckDbSink;
  /** Which version of each model this process serves. */
  served(): Partial<Record<ModelName, string>>;
  /** The turn models served now (what a correction may say); absent where none are (the loader). */
  turnModels?(): TurnModels;
  logger: Logger;
  clock: Clock;
};

/**
 * The API and dashboard on config.host:port with a local admin key, and the
 * work that runs beside them where the DuckDB file is: alert rounds, the KPI
 * roll-up, the transcript index, live subscriptions.
 */
export async function startApiService(config: Config, deps: ApiServiceDeps): Promise<ApiService> {
  const { store, logger, clock } = deps;
  const crmMapping = crmMappingOf(config);
  // A fresh admin key per start unless one is configured: none is ever baked in.
  const adminKey = await createApiKey(store, 'local-admin', 'admin', {
    key: config.adminKey ?? newApiKey(),
  });
  let url = '';
  const alerts = new AlertRunner(store, {
    slackWebhookUrl: config.slackWebhookUrl,
    dashboardUrl: () => url,
    clock,
    timeZone: dialingRulesOf(config).timezone,
    reportingTimeZone: config.reportingTimeZone,
    onDelivery: apiMetrics(deps.metrics).delivered,
  });
  // One listener per live subscription: the per-key limit bounds them, not Node's warning at 10.
  const target = new EventTarget();
  setMaxListeners(0, target);
  const commits: Commits = createPubSub({ eventTarget: target });
  const cipher = fieldCipher(config, logger);
  const recordings = recordingsOf(config, store, cipher, clock);
  const retention = retentionJob(config, store, logger, clock, {
    submit: deps.submit,
    cipher,
    recordings,
  });
  const indexer = new SearchIndexer(store);
  const api = createApi({
    ...deps,
    retention: (opts) => retention.run(opts),
    alerts,
    commits,
    models: { registry: registryOf(config), served: deps.served, turn: deps.turnModels },
    phoneHash: (phone) => cipher.lookupHash(phone),
    costs: { botPerMinute: config.costPerMinuteBot, agentPerMinute: config.costPerMinuteAgent },
    reportingTimeZone: config.reportingTimeZone,
    slackSigningSecret: config.slackSigningSecret,
    dashboardDir: join(packageRoot(), 'dist', 'dashboard'),
    mapCrm: (raw) => mapCrmFields(crmMapping, raw),
    ...botLineRules(config),
    limits: config,
    unseal: (sealed) => cipher.decrypt(sealed),
    recordings,
    recordingFetchHosts: config.recordingFetchHosts,
    consentLinks: {
      keys: cipher.derivedKeys(CONSENT_LINK_LABEL),
      ttlDays: config.consentLinkTtlDays,
      baseUrl: () => config.publicUrl ?? url,
    },
    erase: customerEraser({
      config,
      store,
      apply: (event) => deps.submit([event], []),
      indexer,
      clock,
      recordings,
    }),
  });
  const server = await api.listen(config.host, config.port);
  url = server.url;
  writeRunFile(config, { url, pid: process.pid, ...(config.adminKey ? {} : { adminKey }) });
  const parts = [
    alertRounds(alerts, config, logger, clock),
    ...[dailyDigest(alerts, config, logger, clock)].filter((p) => p !== undefined),
    await storeUpkeep({ store, sink: deps.sink, indexer, commits, logger, clock }),
    retention,
  ];
  return {
    url,
    adminKey,
    adminKeyGenerated: !config.adminKey,
    alerts,
    async stop() {
      for (const part of parts) await part.stop();
      await server.close();
      removeRunFile(config);
    },
  };
}
