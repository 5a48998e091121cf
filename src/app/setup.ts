import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bus } from '../core/bus/bus.js';
import { KafkaBus } from '../core/bus/kafka.js';
import { MemoryBus } from '../core/bus/memory.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { createFieldCipher, type FieldCipher } from '../core/crypto.js';
import { DialwiseError } from '../core/errors.js';
import type { Health } from '../core/health.js';
import { createLogger, type Logger } from '../core/log.js';
import { migrate, Store } from '../core/store/store.js';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
  loadComplianceConfig,
  type ComplianceConfig,
} from '../models/compliance/index.js';
import { loadDialingRules, type DialingRules } from '../decision/index.js';
import type { ModelRegistry } from '../models/registry.js';
import { openRegistry } from '../training/index.js';
import { loadCrmMapping, sealLegacyDeadLetters, type CrmMapping } from '../pipelines/index.js';

/**
 * What every process kind opens from its settings: the data folder and its
 * key, the DuckDB store, the bus, the model registry, the compliance rules.
 */

export const packageRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
};

/** A JSON config file; what goes wrong names the file. */
export function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** A config file: the one configured, else the package's default in config/. */
export const configFile = (configured: string | undefined, name: string): string =>
  configured ?? join(packageRoot(), 'config', name);

/** The local data key: from config, else a key file created once beside the data (mode 0600). */
function dataKey(config: Config, logger: Logger): string {
  if (config.dataKey) return config.dataKey;
  const file = join(config.dataDir, 'data.key');
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    logger.log(
      'warn',
      'created a local data key; set DIALWISE_DATA_KEY from your KMS in production',
      { file },
    );
  }
  return readFileSync(file, 'utf8').trim();
}

/** The current data key plus the previous ones, for values sealed before a rotation. */
export const fieldCipher = (config: Config, logger: Logger): FieldCipher =>
  createFieldCipher(dataKey(config, logger), config.dataKeysPrevious?.split(',') ?? []);

/** Read once per settings object: the pipeline's models and the API share one compiled guard. */
const complianceConfigs = new WeakMap<Config, ComplianceConfig>();
export function complianceConfig(config: Config): ComplianceConfig {
  let c = complianceConfigs.get(config);
  if (!c) {
    const file = config.complianceConfigFile;
    c = file ? loadComplianceConfig(file) : DEFAULT_COMPLIANCE_CONFIG;
    complianceConfigs.set(config, c);
  }
  return c;
}

/** The rules of the bot's lines as the API asks them: the check, and each rule's compliant wording. */
export function botLineRules(config: Config) {
  const guard = createComplianceGuard(complianceConfig(config));
  return { checkBotLine: guard.checkBotLine, sayInstead: guard.sayInstead };
}

/** The compliance rules as the decision layer asks them: bot lines before speech, agents' turns live. */
export function decisionCompliance(config: Config) {
  const guard = createComplianceGuard(complianceConfig(config));
  return {
    checkBotLine: guard.checkBotLine,
    agentLines: {
      check: (text: string) => guard.compliance(text, 'agent'),
      sayInstead: guard.sayInstead,
    },
  };
}

/** Model folders pinned in config over the registry's champions, by model kind. */
export const pinnedModelDirs = (config: Config): Partial<Record<string, string | undefined>> => ({
  intent: config.intentModelDir,
  emotion: config.emotionModelDir,
});

/** The decision layer's config folder: flow, scripts, dialing rules, transfers, agents. */
export const decisionConfigDir = (config: Config): string =>
  config.decisionConfigDir ?? join(packageRoot(), 'config');

/**
 * The dialing rules (the decision config's dialing.json) as every part reads
 * them: the decisions, the callbacks the pipeline keeps, the alerts' weekend.
 */
export const dialingRulesOf = (config: Config): DialingRules =>
  loadDialingRules(join(decisionConfigDir(config), 'dialing.json'));

/** How CRM records and `customer.updated` values map to canonical ones (config/crm-mapping.json). */
export const crmMappingOf = (config: Config): CrmMapping =>
  loadCrmMapping(readJson(configFile(config.crmMappingFile, 'crm-mapping.json')));

export const registryOf = (config: Config): ModelRegistry =>
  openRegistry(config.registryDir ?? join(config.dataDir, 'registry'));

export const storePath = (config: Config): string => resolve(config.dataDir, 'dialwise.duckdb');

/**
 * The data folder and what is in it readable by this user only (0700 and
 * 0600): the DuckDB file, its write-ahead log, the data key, the run file.
 */
function privateDataDir(config: Config): void {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(config.dataDir, 0o700);
  for (const e of readdirSync(config.dataDir, { withFileTypes: true }))
    if (e.isFile()) chmodSync(join(config.dataDir, e.name), 0o600);
}

/** Opens the DuckDB file under dataDir and applies pending migrations. */
export async function openStore(config: Config, logger: Logger): Promise<Store> {
  const store = await Store.open(storePath(config), {
    memoryLimit: config.duckdbMemoryLimit,
    checkpointThreshold: config.duckdbCheckpoint,
  });
  const applied = await migrate(store);
  if (applied.length) logger.log('info', 'migrations applied', { versions: applied });
  // DuckDB creates its files (and the folder) with the process umask: make them private.
  privateDataDir(config);
  const sealed = await sealLegacyDeadLetters(store, fieldCipher(config, logger));
  if (sealed) logger.log('info', 'dead letters redacted, originals sealed', { sealed });
  return store;
}

export function createBus(config: Config, health?: Health, clock?: Clock): Bus {
  return config.kafkaBrokers
    ? new KafkaBus({
        brokers: config.kafkaBrokers.split(','),
        clientId: 'dialwise',
        partitions: config.kafkaPartitions,
        compression: config.kafkaCompression,
        health,
        clock,
        logger: createLogger(config.logLevel),
      })
    : new MemoryBus(config.batchSize);
}

/** The scaled-out process kinds run on Kafka only. */
export function kafkaBusOf(
  config: Config,
  health: Health,
  command: string,
  clock: Clock,
): KafkaBus {
  const bus = createBus(config, health, clock);
  if (!(bus instanceof KafkaBus))
    throw new DialwiseError('CONFIG_INVALID', `dialwise ${command} needs KAFKA_BROKERS`);
  return bus;
}
