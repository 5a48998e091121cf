import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DialwiseError } from './errors.js';
import { GENERATION_SETTINGS } from './config-generation.js';
import { RECORDING_SETTINGS } from './config-recordings.js';
import { REPORTING_SETTINGS } from './config-reporting.js';

/**
 * Every setting, its environment variable, its default and the fix to print
 * when it is wrong. A config file (DIALWISE_CONFIG, JSON) may set the same
 * keys; the environment wins over the file.
 */
const SETTINGS = {
  host: {
    env: 'DIALWISE_HOST',
    schema: z.string().min(1).default('127.0.0.1'),
    fix: 'an interface address such as 127.0.0.1',
  },
  port: {
    env: 'DIALWISE_PORT',
    schema: z.coerce.number().int().min(0).max(65535).default(8080),
    fix: 'a port number 0-65535 (0 picks a free one)',
  },
  dataDir: {
    env: 'DIALWISE_DATA_DIR',
    schema: z.string().min(1).default('./data'),
    fix: 'a writable folder path',
  },
  duckdbMemoryLimit: {
    env: 'DIALWISE_DUCKDB_MEMORY',
    schema: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB)$/i, 'must be a size like 512MB or 2GB')
      .default('1GB'),
    fix: 'a size like 512MB or 2GB',
  },
  duckdbCheckpoint: {
    env: 'DIALWISE_DUCKDB_CHECKPOINT',
    schema: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB)$/i, 'must be a size like 64MB or 1GB')
      .default('256MB'),
    fix: 'write-ahead log size that triggers a checkpoint, a size like 64MB or 1GB',
  },
  dataKey: {
    env: 'DIALWISE_DATA_KEY',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64')
      .optional(),
    fix: 'generate one with: openssl rand -base64 32',
  },
  dataKeysPrevious: {
    env: 'DIALWISE_DATA_KEYS_PREVIOUS',
    schema: z
      .string()
      .regex(
        /^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/,
        'must be base64 32-byte keys separated by commas',
      )
      .optional(),
    fix: 'the keys used before the last rotation, comma-separated',
  },
  adminKey: {
    env: 'DIALWISE_ADMIN_KEY',
    schema: z.string().min(24).optional(),
    fix: 'a random string of at least 24 characters',
  },
  publicUrl: {
    env: 'DIALWISE_PUBLIC_URL',
    schema: z
      .url({ protocol: /^https?$/ })
      .refine((u) => !/[?#]/.test(u), 'must have no query or fragment')
      .optional(),
    fix: "the address customers reach the API at, for the links sent to them (https://consent.example.com); default: the listener's own URL",
  },
  consentLinkTtlDays: {
    env: 'DIALWISE_CONSENT_LINK_TTL_DAYS',
    schema: z.coerce.number().int().min(1).max(90).default(7),
    fix: "days a customer's consent link stays valid when POST /consent/links names none (1-90)",
  },
  kafkaBrokers: {
    env: 'KAFKA_BROKERS',
    schema: z
      .string()
      .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port]')
      .optional(),
    fix: 'a list like 127.0.0.1:9092',
  },
  kafkaGroup: {
    env: 'DIALWISE_KAFKA_GROUP',
    schema: z.string().min(1).default('dialwise-pipeline'),
    fix: 'a consumer group id',
  },
  kafkaPartitions: {
    env: 'DIALWISE_KAFKA_PARTITIONS',
    schema: z.coerce.number().int().min(1).max(1024).default(4),
    fix: 'partitions per topic when Dialwise creates it',
  },
  topicPrefix: {
    env: 'DIALWISE_TOPIC_PREFIX',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/)
      .default('dialwise'),
    fix: 'letters, digits, dot, underscore or dash',
  },
  mlflowTrackingUri: {
    env: 'MLFLOW_TRACKING_URI',
    schema: z.url().optional(),
    fix: 'a URL like http://127.0.0.1:5000',
  },
  slackWebhookUrl: {
    env: 'SLACK_WEBHOOK_URL',
    schema: z.url().optional(),
    fix: 'a Slack incoming-webhook URL',
  },
  ...REPORTING_SETTINGS,
  ...RECORDING_SETTINGS,
  ...GENERATION_SETTINGS,
  handoffWebhookUrl: {
    env: 'DIALWISE_HANDOFF_WEBHOOK_URL',
    schema: z.url().optional(),
    fix: "the agent desktop URL that receives a transfer's context (JSON POST) before pickup",
  },
  simulateRate: {
    env: 'DIALWISE_SIM_RATE',
    schema: z.coerce.number().min(0).max(10_000).default(2),
    fix: "the contact-centre twin's dials per simulated minute in `dialwise start`, 0 to turn it off",
  },
  scenarioFile: {
    env: 'DIALWISE_SCENARIO',
    schema: z.string().min(1).default('config/scenarios/default.json'),
    fix: "the twin's scenario in `dialwise start` (a file like config/scenarios/default.json)",
  },
  virtualClock: {
    env: 'DIALWISE_VIRTUAL_CLOCK',
    schema: z.iso.datetime({ offset: true }).optional(),
    fix: 'an instant like 2026-11-30T00:00:00+08:00: the platform runs on a virtual clock from there, moved by POST /admin/clock (benchmarks drive it)',
  },
  batchSize: {
    env: 'DIALWISE_BATCH_SIZE',
    schema: z.coerce.number().int().min(1).max(100_000).default(2_000),
    fix: 'events per pipeline batch',
  },
  commitIntervalMs: {
    env: 'DIALWISE_COMMIT_INTERVAL_MS',
    schema: z.coerce.number().int().min(10).max(60_000).default(500),
    fix: 'milliseconds between pipeline commits to DuckDB',
  },
  maxPending: {
    env: 'DIALWISE_MAX_PENDING',
    schema: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
    fix: 'events applied but not yet committed before sources wait',
  },
  profilesInMemory: {
    env: 'DIALWISE_PROFILES_IN_MEMORY',
    schema: z.coerce.number().int().min(100).max(100_000_000).default(500_000),
    fix: 'customer profiles kept in memory (about 2.5 KB each); the rest are read from DuckDB when needed',
  },
  dedupeWindow: {
    env: 'DIALWISE_DEDUPE_WINDOW',
    schema: z.coerce.number().int().min(1).max(10_000).default(64),
    fix: 'event ids remembered per customer for dedupe',
  },
  latenessMs: {
    env: 'DIALWISE_LATENESS_MS',
    schema: z.coerce.number().int().min(0).default(600_000),
    fix: "how far behind a customer's newest event an event may be before it counts as late",
  },
  maxSkewMs: {
    env: 'DIALWISE_MAX_SKEW_MS',
    schema: z.coerce.number().int().min(0).default(300_000),
    fix: 'how far in the future an event time may be before it is clamped to arrival time',
  },
  tagRulesFile: {
    env: 'DIALWISE_TAG_RULES',
    schema: z.string().min(1).optional(),
    fix: 'a JSON file of tag rules (default config/tags.json)',
  },
  intentModelDir: {
    env: 'DIALWISE_INTENT_MODEL',
    schema: z.string().min(1).optional(),
    fix: 'a model folder from `dialwise train intent` (default: the registry champion)',
  },
  defaultModels: {
    env: 'DIALWISE_DEFAULT_MODELS',
    schema: z.enum(['train', 'keyword']).default('train'),
    fix: 'train (the telesales intent and opt-out models are trained at first start when the registry has no champions) or keyword (serve the keyword rules until they are trained)',
  },
  emotionModelDir: {
    env: 'DIALWISE_EMOTION_MODEL',
    schema: z.string().min(1).optional(),
    fix: 'a model folder from `dialwise train emotion` (default: the keyword baseline)',
  },
  registryDir: {
    env: 'DIALWISE_REGISTRY_DIR',
    schema: z.string().min(1).optional(),
    fix: 'the model registry folder (default <data dir>/registry)',
  },
  modelPollMs: {
    env: 'DIALWISE_MODEL_POLL_MS',
    schema: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
    fix: 'milliseconds between checks for a newly promoted champion model',
  },
  retrainConfigFile: {
    env: 'DIALWISE_RETRAIN_CONFIG',
    schema: z.string().min(1).optional(),
    fix: 'a JSON file with the weekly retraining schedule, data and promotion gate (default config/retrain.json)',
  },
  retentionConfigFile: {
    env: 'DIALWISE_RETENTION_CONFIG',
    schema: z.string().min(1).optional(),
    fix: 'a JSON file with the retention period per kind of data, the daily schedule and the archive switch (default config/retention.json)',
  },
  decisionConfigDir: {
    env: 'DIALWISE_DECISION_CONFIG',
    schema: z.string().min(1).optional(),
    fix: 'a folder with dialog-flow.json, scripts.json, transfer.json, dialing.json and agents.json (default config/)',
  },
  scriptPolicyFile: {
    env: 'DIALWISE_SCRIPT_POLICY',
    schema: z.string().min(1).optional(),
    fix: 'a script policy file (docs/off-policy.md) to deploy live at its node instead of the experiment (default: none, the experiment chooses)',
  },
  complianceConfigFile: {
    env: 'DIALWISE_COMPLIANCE_CONFIG',
    schema: z.string().min(1).optional(),
    fix: 'a JSON file of compliance terms and patterns (default config/compliance.json)',
  },
  crmMappingFile: {
    env: 'DIALWISE_CRM_MAPPING',
    schema: z.string().min(1).optional(),
    fix: 'a JSON file of CRM field mappings (default config/crm-mapping.json)',
  },
  kafkaCompression: {
    env: 'DIALWISE_KAFKA_COMPRESSION',
    schema: z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('none'),
    fix: 'the codec Dialwise produces with: none, gzip, snappy, lz4 or zstd (all are read)',
  },
  submitTimeoutMs: {
    env: 'DIALWISE_SUBMIT_TIMEOUT_MS',
    schema: z.coerce.number().int().min(100).max(600_000).default(10_000),
    fix: 'milliseconds an ingest request waits for its commit before answering 503 (retry: the event id dedupes)',
  },
  shutdownTimeoutMs: {
    env: 'DIALWISE_SHUTDOWN_TIMEOUT_MS',
    schema: z.coerce.number().int().min(100).max(600_000).default(15_000),
    fix: 'milliseconds a stop may take (final commit included) before the process exits anyway',
  },
  healthAlertGraceMs: {
    env: 'DIALWISE_HEALTH_ALERT_GRACE_MS',
    schema: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    fix: 'how long a component must fail before Slack hears of it (it is in /health and the log at once)',
  },
  bodyLimitBytes: {
    env: 'DIALWISE_LIMIT_BODY_BYTES',
    schema: z.coerce
      .number()
      .int()
      .min(1_024)
      .max(1 << 30)
      .default(1 << 20),
    fix: 'largest request body in bytes on routes other than /events and /graphql (413 beyond)',
  },
  eventsBodyLimitBytes: {
    env: 'DIALWISE_LIMIT_EVENTS_BYTES',
    schema: z.coerce
      .number()
      .int()
      .min(1_024)
      .max(1 << 30)
      .default(8 << 20),
    fix: 'largest POST /events body in bytes (413 beyond)',
  },
  jsonDepthLimit: {
    env: 'DIALWISE_LIMIT_JSON_DEPTH',
    schema: z.coerce.number().int().min(4).max(1_000).default(32),
    fix: 'deepest nesting of a JSON request body (400 beyond)',
  },
  graphqlBodyLimitBytes: {
    env: 'DIALWISE_LIMIT_GRAPHQL_BYTES',
    schema: z.coerce
      .number()
      .int()
      .min(1_024)
      .max(1 << 26)
      .default(64 << 10),
    fix: 'largest GraphQL request (document and variables) in bytes (413 beyond)',
  },
  graphqlMaxTokens: {
    env: 'DIALWISE_LIMIT_GRAPHQL_TOKENS',
    schema: z.coerce.number().int().min(100).max(1_000_000).default(3_000),
    fix: 'most lexical tokens in a GraphQL document',
  },
  graphqlMaxCost: {
    env: 'DIALWISE_LIMIT_GRAPHQL_COST',
    schema: z.coerce.number().int().min(10).max(10_000_000).default(5_000),
    fix: 'highest cost of a GraphQL operation (objects 2, scalars 1, ×1.5 per level; introspection is bounded by its shape instead)',
  },
  graphqlMaxDepth: {
    env: 'DIALWISE_LIMIT_GRAPHQL_DEPTH',
    schema: z.coerce.number().int().min(2).max(100).default(6),
    fix: 'deepest nesting of a GraphQL operation',
  },
  graphqlMaxAliases: {
    env: 'DIALWISE_LIMIT_GRAPHQL_ALIASES',
    schema: z.coerce.number().int().min(0).max(10_000).default(30),
    fix: 'most aliases in a GraphQL operation',
  },
  subscriptionsPerKey: {
    env: 'DIALWISE_LIMIT_SUBSCRIPTIONS',
    schema: z.coerce.number().int().min(1).max(10_000).default(16),
    fix: 'live GraphQL subscriptions one API key may hold open',
  },
  rateLimit: {
    env: 'DIALWISE_RATE_LIMIT',
    schema: z.coerce.number().min(1).max(1_000_000).default(200),
    fix: 'requests per second one API key may make to GraphQL, exports and admin routes; 429 beyond',
  },
  rateLimitDialer: {
    env: 'DIALWISE_RATE_LIMIT_DIALER',
    schema: z.coerce.number().min(1).max(1_000_000).default(20_000),
    fix: "requests per second one API key may make to the dialer's routes (decisions, ingest: the voice bots' traffic); 429 beyond",
  },
  logLevel: {
    env: 'DIALWISE_LOG_LEVEL',
    schema: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    fix: 'one of debug, info, warn, error',
  },
} as const;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: z.output<Settings[K]['schema']> };
export const CONFIG_KEYS = Object.keys(SETTINGS) as (keyof Settings)[];

export interface ConfigSources {
  env?: Record<string, string | undefined>;
  /** Path of a JSON file; defaults to env.DIALWISE_CONFIG. */
  file?: string;
}

/** Validates all settings at once and reports every problem with its fix. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const problems: string[] = [];
  const fromFile = readConfigFile(sources.file ?? env.DIALWISE_CONFIG, problems);
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const s = SETTINGS[key];
    const envValue = env[s.env];
    const raw = envValue !== undefined && envValue !== '' ? envValue : fromFile[key];
    const parsed = (s.schema as z.ZodType).safeParse(raw);
    if (parsed.success) out[key] = parsed.data;
    else {
      const where = envValue ? s.env : `${key} (config file)`;
      const msg = parsed.error.issues.map((i) => i.message).join(', ');
      problems.push(`${where}=${JSON.stringify(raw)}: ${msg}; set it to ${s.fix}`);
    }
  }
  if (problems.length) {
    throw new DialwiseError(
      'CONFIG_INVALID',
      `Invalid configuration:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return out as Config;
}

function readConfigFile(path: string | undefined, problems: string[]): Record<string, unknown> {
  if (!path) return {};
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push(`DIALWISE_CONFIG=${path}: cannot read JSON (${(err as Error).message})`);
    return {};
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    problems.push(`DIALWISE_CONFIG=${path}: must hold a JSON object`);
    return {};
  }
  for (const k of Object.keys(data)) {
    if (!(CONFIG_KEYS as string[]).includes(k)) {
      problems.push(`${path}: unknown key "${k}"; known keys: ${CONFIG_KEYS.join(', ')}`);
    }
  }
  return data as Record<string, unknown>;
}
