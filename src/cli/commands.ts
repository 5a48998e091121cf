import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  createBus,
  fieldCipher,
  hotWordList,
  openPipeline,
  openStore,
  registryOf,
  resealEngineJournal,
  startDecideReplica,
  startLoaderPlatform,
  startWithTwin,
  startWorker,
  storePath,
} from '../app/index.js';
import { ROLES } from '../api/index.js';
import { systemClock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { migrate, Store } from '../core/store/store.js';
import { dataReport, formatDataReport } from '../datasets/report.js';
import { CallSimulator } from '../datasets/simulator.js';
import { decodeWav, extractProsody, turnProsody } from '../models/prosody/index.js';
import { DuckDbSink, replayJsonl, rotateKeys, publishEvents } from '../pipelines/index.js';
import {
  formatHotWords,
  isTextTask,
  loadRecords,
  MODEL_NAMES,
  runTrain,
  TEXT_TASKS,
} from '../training/index.js';
import { customersCommand } from './customers-command.js';
import { evaluate } from './eval-command.js';
import { evaluatePolicyCommand, formatPolicyReport } from './evaluate-policy-command.js';
import { exportCommand, EXPORT_USAGE } from './export-command.js';
import { keysCommand } from './keys-command.js';
import { consentCommand, dncCommand } from './contact-command.js';
import { retentionCommand } from './retention-command.js';
import { simulateCommand } from './simulate-command.js';
import { formatSummary, loadCorrections, runRetrainCommand } from './retrain-command.js';

/** What a command gets: settings, the parsed arguments, and a way to stay running. */
export interface CommandContext {
  config: Config;
  logger: Logger;
  sub: string | undefined;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  /** Keeps a long-running part until Ctrl-C or SIGTERM, then stops it. */
  runUntilSignal(running: { stop(): Promise<void> }): void;
}

export interface Command {
  usage: string;
  run(ctx: CommandContext): Promise<void>;
}

const json = (value: unknown, pretty = false) =>
  console.log(JSON.stringify(value, null, pretty ? 2 : undefined));

const str = (v: string | boolean | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

/** An optional integer flag, checked. */
function intFlag(
  values: CommandContext['values'],
  name: string,
  ok: (n: number) => boolean,
  why: string,
): number | undefined {
  const raw = str(values[name]);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || !ok(n)) throw new DialwiseError('BAD_REQUEST', `--${name} ${why}`);
  return n;
}

/** How to open the dashboard: the key in the URL only when it was generated now, never a configured one. */
function printDashboard(p: { url: string; adminKey: string; adminKeyGenerated: boolean }): void {
  if (p.adminKeyGenerated) {
    console.log(`  dashboard: ${p.url}/#key=${p.adminKey}`);
    console.log(`  GraphQL:   ${p.url}/graphql  (Authorization: Bearer ${p.adminKey})`);
  } else {
    console.log(`  dashboard: ${p.url}/  (sign in with the key in DIALWISE_ADMIN_KEY)`);
    console.log(`  GraphQL:   ${p.url}/graphql  (Authorization: Bearer $DIALWISE_ADMIN_KEY)`);
  }
}

async function start({ config, logger, runUntilSignal }: CommandContext): Promise<void> {
  const run = await startWithTwin(config, logger, systemClock);
  const p = run.platform;
  console.log(`Dialwise is running (${p.bus.kind} bus, data in ${resolve(config.dataDir)})`);
  printDashboard(p);
  if (config.virtualClock)
    console.log(`  virtual clock from ${config.virtualClock}: POST /admin/clock moves it`);
  else if (config.simulateRate > 0) {
    console.log(
      `  contact-centre twin: ${config.scenarioFile}, ${config.simulateRate} dials per simulated minute (DIALWISE_SIM_RATE); it replays the last days, then dials live`,
    );
    if (run.slackReceiver) console.log(`  Slack posts (local receiver): ${run.slackReceiver}`);
  }
  runUntilSignal(run);
}

/** Simulated calls straight onto the bus, as a dialer's feed would publish them (the scaled-out mode's load). */
async function feed({ config, values }: CommandContext): Promise<void> {
  const calls = intFlag(values, 'calls', (n) => n >= 1, 'must be a positive integer') ?? 100;
  const sim = new CallSimulator(intFlag(values, 'seed', () => true, 'must be an integer') ?? 1);
  const bus = createBus(config);
  const start = systemClock.now() - calls * 1000;
  for (let i = 0; i < calls; i += 500) {
    const n = Math.min(500, calls - i);
    const events = Array.from({ length: n }, (_, j) =>
      sim.nextCall(new Date(start + (i + j) * 1000)),
    ).flat();
    await publishEvents(bus, config.topicPrefix, events);
  }
  await bus.close();
  json({ bus: bus.kind, calls, truth: sim.truth() });
}

async function replay({ config, logger, values }: CommandContext): Promise<void> {
  const file = str(values.file);
  if (!file) throw new DialwiseError('BAD_REQUEST', 'usage: dialwise replay --file EVENTS.jsonl');
  const store = await openStore(config, logger);
  const { pipeline, models } = await openPipeline(config, new DuckDbSink(store), logger, {
    clock: systemClock,
  });
  const started = performance.now();
  const { lines } = await replayJsonl(pipeline, file);
  await pipeline.stop();
  models.close();
  await store.close();
  json({ file, lines, seconds: (performance.now() - started) / 1000 });
}

async function train({ sub, values }: CommandContext): Promise<void> {
  const [data, out, val] = [str(values.data), str(values.out), str(values.val)];
  if (!isTextTask(sub) || !data || !out)
    throw new DialwiseError(
      'BAD_REQUEST',
      `usage: dialwise train ${TEXT_TASKS.join('|')} --data F --out DIR [--epochs N] (dialwise train --help)`,
    );
  const epochs = intFlag(values, 'epochs', (n) => n > 0, 'must be a positive integer');
  const seed = intFlag(values, 'seed', () => true, 'must be an integer');
  const fields = { textField: str(values['text-field']), labelField: str(values['label-field']) };
  json(await runTrain({ task: sub, data, out, val, epochs, seed, fields }));
}

async function models({ config }: CommandContext): Promise<void> {
  const registry = registryOf(config);
  const out = await Promise.all(
    MODEL_NAMES.map(async (name) => ({
      name,
      aliases: await registry.aliases(name),
      versions: await registry.versions(name),
    })),
  );
  json({ registry: registry.root, models: out }, true);
}

async function migrateCommand({ config }: CommandContext): Promise<void> {
  const store = await Store.open(storePath(config), {
    memoryLimit: config.duckdbMemoryLimit,
    checkpointThreshold: config.duckdbCheckpoint,
  });
  json({ applied: await migrate(store) });
  await store.close();
}

/** Every command, its usage line(s) and what runs it: the CLI's one table. */
export const COMMANDS: Record<string, Command> = {
  start: {
    usage: `start                      run the embedded platform (API, dashboard, pipeline, contact-centre twin)`,
    run: start,
  },
  worker: {
    usage: `worker                     scaled-out Kafka mode: enrich a share of the partitions (run several)`,
    async run({ config, logger, runUntilSignal }) {
      runUntilSignal(await startWorker(config, logger, systemClock));
      console.log(`Dialwise worker running (group ${config.kafkaGroup}-workers)`);
    },
  },
  decide: {
    usage: `decide                     scaled-out Kafka mode: a decision replica that also enriches its partitions
                             (run several in place of workers, behind a load balancer; DIALWISE_ADMIN_KEY)`,
    async run({ config, logger, runUntilSignal }) {
      const r = await startDecideReplica(config, logger, systemClock);
      console.log(
        `Dialwise decision replica running at ${r.url} (group ${config.kafkaGroup}-workers)`,
      );
      runUntilSignal(r);
    },
  },
  loader: {
    usage: `loader                     scaled-out Kafka mode: load the workers' output into DuckDB, serve the API`,
    async run({ config, logger, runUntilSignal }) {
      const l = await startLoaderPlatform(config, logger, systemClock);
      console.log(`Dialwise loader is running (data in ${resolve(config.dataDir)})`);
      printDashboard(l);
      runUntilSignal(l);
    },
  },
  simulate: {
    usage: `simulate --scenario FILE [--calls N] [--seed S] [--policy dialwise|naive|oracle|all] [--json]
                             run a contact-centre scenario (config/scenarios/) for its week against a
                             platform started here on a virtual clock; naive and oracle side by side`,
    run: simulateCommand,
  },
  feed: {
    usage: `feed --calls N [--seed S]   publish N simulated calls to the bus (Kafka when KAFKA_BROKERS is set)`,
    run: feed,
  },
  keys: {
    usage: `keys create --name NAME --role ROLE [--expires-in-days N] [--campaigns A,B]
                             issue an API key (roles: ${ROLES.join(', ')}); printed once;
                             --campaigns: it sees only those campaigns
  keys list | keys revoke --name NAME
                             list keys (never the keys themselves), revoke one at once;
                             through the running platform when one is up on this data folder`,
    async run({ config, logger, sub, values }) {
      json(await keysCommand(config, logger, sub, values as Record<string, string>), true);
    },
  },
  consent: {
    usage: `consent export --customer ID  a customer's consent ledger and the proof of every change (the
                             words opened), for an auditor; through the running platform when one is up`,
    async run({ config, logger, sub, values }) {
      json(await consentCommand(config, logger, sub, str(values.customer)), true);
    },
  },
  dnc: {
    usage: `dnc import FILE --source NAME --date YYYY-MM-DD
                             add a do-not-call register's phones (one per line, or a CSV's first column)`,
    async run({ config, logger, sub, positionals, values }) {
      const args = {
        sub,
        file: positionals[2],
        source: str(values.source),
        date: str(values.date),
      };
      json(await dncCommand(config, logger, args), true);
    },
  },
  retention: {
    usage: `retention run [--dry-run]  delete what is past its period (config/retention.json), counted per
                             table; --dry-run counts only; through the running platform when one is up`,
    async run({ config, logger, sub, values }) {
      json(await retentionCommand(config, logger, sub, values['dry-run'] === true), true);
    },
  },
  'evaluate-policy': {
    usage: `evaluate-policy --policy FILE --from ISO --to ISO [--json]
                             a script policy (docs/off-policy.md) estimated on the decisions logged
                             in [from, to): the logged value, IPS, SNIPS, DR with 95% intervals and
                             the effective sample size; fails where the log lacks support; through
                             the running platform when one is up`,
    async run({ config, logger, values }) {
      const args = { policy: str(values.policy), from: str(values.from), to: str(values.to) };
      const report = await evaluatePolicyCommand(config, logger, args);
      if (values.json === true) json(report, true);
      else console.log(formatPolicyReport(report));
      if (report.support) throw new DialwiseError('BAD_REQUEST', 'the policy cannot be estimated');
    },
  },
  export: {
    usage: EXPORT_USAGE,
    async run({ config, logger, sub, values }) {
      json(await exportCommand(config, logger, sub, values), true);
    },
  },
  customers: {
    usage: `customers erase ID         erase a customer's personal data everywhere (the consent proof kept,
                             pseudonymised); prints what was erased where; through the running
                             platform when one is up on this data folder`,
    async run({ config, logger, sub, positionals }) {
      json(await customersCommand(config, logger, sub, positionals[2]), true);
    },
  },
  replay: {
    usage: `replay --file F.jsonl      run a JSONL file of events through the pipeline (resumes after a crash)`,
    run: replay,
  },
  'rotate-keys': {
    usage: `rotate-keys                re-seal personal data, dead letters and the decision journal with DIALWISE_DATA_KEY (old keys in
                             DIALWISE_DATA_KEYS_PREVIOUS); run while the platform is stopped`,
    async run({ config, logger }) {
      const store = await openStore(config, logger);
      const cipher = fieldCipher(config, logger);
      const stored = await rotateKeys(store, cipher);
      json({ ...stored, decisionJournal: resealEngineJournal(config, cipher) });
      await store.close();
    },
  },
  migrate: { usage: `migrate                    apply database migrations`, run: migrateCommand },
  train: {
    usage: `train intent|emotion|optout|classify --data F --out DIR [--val F] [--epochs N] [--seed S]
        [--text-field NAME] [--label-field NAME]
                             train a text classifier into the model folder DIR from labelled
                             texts: JSONL, CSV or TSV with a header (fields text and label, or
                             the ones named; labels strings, numbers or booleans), a folder
                             with train and optionally valid files, or a dataset split such
                             as banking77:train; lines without a text or label are left out
                             and summarised; progress per epoch and the model's size on stderr;
                             classify: any other label set (sentiment, topic)`,
    run: train,
  },
  eval: {
    usage: `eval intent|emotion|optout|classify [--model DIR] --data F [--predictions OUT.jsonl]
        [--text-field NAME] [--label-field NAME]
                             print accuracy, macro-F1, per-class F1, OOS precision/recall,
                             top confusions and latency as JSON, the keyword baseline beside;
                             without --model, the intent model the platform serves (trained
                             from datasets/telesales first if there is none yet); F as for
                             train, a folder's test file; OUT.jsonl gets every item's
                             prediction; labels the model never saw are warned about
  eval opt-out [--model DIR] --data F
                             precision, recall and misses of the spoken opt-out signal on
                             texts labelled true|false (1/0, yes/no), as the platform hears it
  eval compliance [--model rules|CONFIG.json] --data F
                             precision/recall of the compliance rules on texts with a speaker
                             and a true|false label
                             (both: F as for train, a folder's test file, fields renamed with
                             --text-field and --label-field; bad lines left out, summarised)`,
    async run({ config, logger, sub, values }) {
      json(
        await evaluate(config, logger, sub, {
          model: str(values.model),
          data: str(values.data),
          fields: { textField: str(values['text-field']), labelField: str(values['label-field']) },
          predictions: str(values.predictions),
        }),
        true,
      );
    },
  },
  hotwords: {
    usage: `hotwords [--corrections F.jsonl] [--out FILE]
                             the speech recogniser's hot words (word TAB weight) from products,
                             competitors, script terms and agents' corrections; also written
                             to <data dir>/hotwords.txt by every retrain`,
    async run({ config, logger, values }) {
      const fixes = await loadCorrections(config, logger, str(values.corrections));
      const text = formatHotWords(hotWordList(config, fixes));
      const out = str(values.out);
      if (out) writeFileSync(out, text);
      else process.stdout.write(text);
    },
  },
  retrain: {
    usage: `retrain [--models intent,emotion,propensity] [--corrections F.jsonl]
                             the weekly job by hand: train challengers (with human corrections),
                             gate them against the champions on frozen sets, register them
                             (and in MLflow when MLFLOW_TRACKING_URI is set); plan and cron
                             schedule in config/retrain.json (DIALWISE_RETRAIN_CONFIG)`,
    async run({ config, logger, values }) {
      console.log(formatSummary(await runRetrainCommand(config, logger, values as never)));
    },
  },
  models: {
    usage: `models                     the registry: versions, aliases, metrics (JSON)`,
    run: models,
  },
  data: {
    usage: `data report SPEC [--test SPEC]
                             label counts, duplicates, conflicting labels and train/test
                             leakage of a dataset split (banking77:train) or JSONL file`,
    async run({ sub, positionals, values }) {
      const spec = positionals[2];
      if (sub !== 'report' || !spec)
        throw new DialwiseError('BAD_REQUEST', 'usage: dialwise data report SPEC [--test SPEC]');
      const test = str(values.test);
      const report = dataReport(
        await loadRecords(spec),
        test ? await loadRecords(test) : undefined,
      );
      console.log(formatDataReport(report));
    },
  },
  prosody: {
    usage: `prosody FILE.wav           voice features of a 16-bit PCM WAV utterance, as the
                             "prosody" of a dialog.turn event (JSON)`,
    async run({ sub }) {
      if (!sub) throw new DialwiseError('BAD_REQUEST', 'usage: dialwise prosody FILE.wav');
      const features = extractProsody(decodeWav(readFileSync(sub)));
      json({ prosody: turnProsody(features), features }, true);
    },
  },
};
