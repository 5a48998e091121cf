#!/usr/bin/env node
import { DuckDbSink } from '../pipelines/duckdb-sink.js';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { ROLES } from '../api/auth.js';
import { keysCommand } from './keys-command.js';
import { loadConfig } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import { migrate, Store } from '../core/store/store.js';
import { CallSimulator } from '../datasets/simulator.js';
import { publishEvents } from '../pipelines/topics.js';
import { createLogger } from '../core/log.js';
import { replayJsonl } from '../pipelines/jsonl-source.js';
import { rotateKeys } from '../pipelines/rotate-keys.js';
import { decodeWav, extractProsody, turnProsody } from '../models/prosody/index.js';
import { runComplianceEval } from '../training/compliance/index.js';
import { dataReport, formatDataReport } from '../datasets/report.js';
import { MODEL_NAMES } from '../training/kinds.js';
import { isTextTask, loadRecords, runEval, runTrain, TEXT_TASKS } from '../training/text/index.js';
import { formatSummary, runRetrainCommand, scheduleRetrain } from './retrain-command.js';
import {
  createBus,
  fieldCipher,
  openPipeline,
  openStore,
  registryOf,
  startLoaderPlatform,
  startPlatform,
  startWorker,
  storePath,
} from './platform.js';

const USAGE = `dialwise <command> [options]

  start                      run the embedded platform (API, dashboard, pipeline, simulator)
  worker                     scaled-out Kafka mode: enrich a share of the partitions (run several)
  loader                     scaled-out Kafka mode: load the workers' output into DuckDB, serve the API
  simulate --calls N [--seed S]
                             publish N simulated calls to the bus (Kafka when KAFKA_BROKERS is set)
  keys create --name NAME --role ROLE [--expires-in-days N]
                             issue an API key (roles: ${ROLES.join(', ')}); printed once
  keys list | keys revoke --name NAME
                             list keys (never the keys themselves), revoke one at once;
                             through the running platform when one is up on this data folder
  replay --file F.jsonl      run a JSONL file of events through the pipeline (resumes after a crash)
  rotate-keys                re-seal personal data and dead letters with DIALWISE_DATA_KEY (old keys in
                             DIALWISE_DATA_KEYS_PREVIOUS); run while the platform is stopped
  migrate                    apply database migrations
  train intent|emotion --data F.jsonl --out DIR [--val F.jsonl] [--epochs N] [--seed S]
                             train a text classifier from JSONL {"text","label"} lines (or a
                             dataset split such as banking77:train) into the model folder DIR
  eval intent|emotion --model DIR --data F.jsonl
                             print accuracy, macro-F1, per-class F1, OOS precision/recall,
                             top confusions and latency as JSON
  eval compliance [--model rules|CONFIG.json] --data F.jsonl
                             precision/recall of the compliance rules on a labelled JSONL set
  retrain [--models intent,emotion,propensity] [--corrections F.jsonl]
                             the weekly job by hand: train challengers (with human corrections),
                             gate them against the champions on frozen sets, register them
                             (and in MLflow when MLFLOW_TRACKING_URI is set); plan and cron
                             schedule in config/retrain.json (DIALWISE_RETRAIN_CONFIG)
  models                     the registry: versions, aliases, metrics (JSON)
  data report SPEC [--test SPEC]
                             label counts, duplicates, conflicting labels and train/test
                             leakage of a dataset split (banking77:train) or JSONL file
  prosody FILE.wav           voice features of a 16-bit PCM WAV utterance, as the
                             "prosody" of a dialog.turn event (JSON)

Settings come from the environment (see README); DIALWISE_CONFIG names an optional JSON file.`;

/**
 * Long-running commands stop cleanly (final commit included) on Ctrl-C or
 * SIGTERM, within the shutdown deadline: past it, or at a second signal, the
 * process exits anyway (what was not committed comes again from Kafka's
 * offsets; HTTP callers were never told it was stored).
 */
function stopOnSignal(running: { stop(): Promise<void> }, deadlineMs: number): void {
  const shutdown = () => {
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
    setTimeout(() => {
      console.error(`dialwise: not stopped within ${deadlineMs} ms; exiting`);
      process.exit(1);
    }, deadlineMs + 2_000).unref();
    void running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('dialwise: stop failed', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
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

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      calls: { type: 'string' },
      seed: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      file: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      val: { type: 'string' },
      epochs: { type: 'string' },
      models: { type: 'string' },
      corrections: { type: 'string' },
      test: { type: 'string' },
      'expires-in-days': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub] = positionals;
  if (values.help || !command) return void console.log(USAGE);
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  switch (command) {
    case 'start': {
      const p = await startPlatform(config, {
        simulate:
          config.simulateRate > 0
            ? { ratePerSec: config.simulateRate, seed: Date.now() % 100_000 }
            : undefined,
      });
      console.log(`Dialwise is running (${p.bus.kind} bus, data in ${resolve(config.dataDir)})`);
      printDashboard(p);
      console.log(`  simulated traffic: ${config.simulateRate} calls/s (DIALWISE_SIM_RATE)`);
      const schedule = scheduleRetrain(config, p.store, logger);
      stopOnSignal(
        {
          async stop() {
            schedule?.stop();
            await p.stop();
          },
        },
        config.shutdownTimeoutMs,
      );
      return;
    }
    case 'worker': {
      const w = await startWorker(config, logger);
      console.log(`Dialwise worker running (group ${config.kafkaGroup}-workers)`);
      stopOnSignal(w, config.shutdownTimeoutMs);
      return;
    }
    case 'loader': {
      const l = await startLoaderPlatform(config, logger);
      console.log(`Dialwise loader is running (data in ${resolve(config.dataDir)})`);
      printDashboard(l);
      stopOnSignal(l, config.shutdownTimeoutMs);
      return;
    }
    case 'simulate': {
      const calls = Number(values.calls ?? 100);
      if (!Number.isInteger(calls) || calls < 1)
        throw new DialwiseError('BAD_REQUEST', '--calls must be a positive integer');
      const sim = new CallSimulator(Number(values.seed ?? 1));
      const bus = createBus(config);
      const start = Date.now() - calls * 1000;
      for (let i = 0; i < calls; i += 500) {
        const n = Math.min(500, calls - i);
        const events = Array.from({ length: n }, (_, j) =>
          sim.nextCall(new Date(start + (i + j) * 1000)),
        ).flat();
        await publishEvents(bus, config.topicPrefix, events);
      }
      await bus.close();
      console.log(JSON.stringify({ bus: bus.kind, calls, truth: sim.truth() }));
      return;
    }
    case 'keys': {
      console.log(JSON.stringify(await keysCommand(config, logger, sub, values), null, 2));
      return;
    }
    case 'replay': {
      if (!values.file)
        throw new DialwiseError('BAD_REQUEST', 'usage: dialwise replay --file EVENTS.jsonl');
      const store = await openStore(config, logger);
      const { pipeline, models } = await openPipeline(config, new DuckDbSink(store), logger);
      const started = Date.now();
      const { lines } = await replayJsonl(pipeline, values.file);
      await pipeline.stop();
      models.close();
      await store.close();
      console.log(
        JSON.stringify({ file: values.file, lines, seconds: (Date.now() - started) / 1000 }),
      );
      return;
    }
    case 'rotate-keys': {
      const store = await openStore(config, logger);
      console.log(JSON.stringify(await rotateKeys(store, fieldCipher(config, logger))));
      await store.close();
      return;
    }
    case 'migrate': {
      const store = await Store.open(storePath(config), {
        memoryLimit: config.duckdbMemoryLimit,
        checkpointThreshold: config.duckdbCheckpoint,
      });
      console.log(JSON.stringify({ applied: await migrate(store) }));
      await store.close();
      return;
    }
    case 'train': {
      if (!isTextTask(sub) || !values.data || !values.out)
        throw new DialwiseError(
          'BAD_REQUEST',
          `usage: dialwise train ${TEXT_TASKS.join('|')} --data F.jsonl --out DIR [--epochs N]`,
        );
      const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
      if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0))
        throw new DialwiseError('BAD_REQUEST', '--epochs must be a positive integer');
      const seed = values.seed === undefined ? undefined : Number(values.seed);
      if (seed !== undefined && !Number.isInteger(seed))
        throw new DialwiseError('BAD_REQUEST', '--seed must be an integer');
      const { data, out, val } = values;
      console.log(JSON.stringify(await runTrain({ task: sub, data, out, val, epochs, seed })));
      return;
    }
    case 'eval': {
      if (sub === 'compliance' && values.data) {
        const report = runComplianceEval({ model: values.model ?? 'rules', data: values.data });
        console.log(JSON.stringify(report, null, 2));
        return;
      }
      if (!isTextTask(sub) || !values.model || !values.data)
        throw new DialwiseError(
          'BAD_REQUEST',
          `usage: dialwise eval ${TEXT_TASKS.join('|')}|compliance --model DIR --data F.jsonl`,
        );
      const { model, data } = values;
      console.log(JSON.stringify(await runEval({ task: sub, model, data }), null, 2));
      return;
    }
    case 'retrain': {
      const summary = await runRetrainCommand(config, logger, values);
      console.log(formatSummary(summary));
      return;
    }
    case 'models': {
      const registry = registryOf(config);
      const out = await Promise.all(
        MODEL_NAMES.map(async (name) => ({
          name,
          aliases: await registry.aliases(name),
          versions: await registry.versions(name),
        })),
      );
      console.log(JSON.stringify({ registry: registry.root, models: out }, null, 2));
      return;
    }
    case 'data': {
      const spec = positionals[2];
      if (sub !== 'report' || !spec)
        throw new DialwiseError('BAD_REQUEST', 'usage: dialwise data report SPEC [--test SPEC]');
      const train = await loadRecords(spec);
      const test = values.test ? await loadRecords(values.test) : undefined;
      console.log(formatDataReport(dataReport(train, test)));
      return;
    }
    case 'prosody': {
      if (!sub) throw new DialwiseError('BAD_REQUEST', 'usage: dialwise prosody FILE.wav');
      const features = extractProsody(decodeWav(readFileSync(sub)));
      console.log(JSON.stringify({ prosody: turnProsody(features), features }, null, 2));
      return;
    }
    default:
      throw new DialwiseError('BAD_REQUEST', `unknown command "${command}"\n\n${USAGE}`);
  }
}

// Whatever this process writes (DuckDB files, keys, exports) is for this user only.
process.umask(0o077);
main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof DialwiseError ? `dialwise: ${err.message}` : err);
  process.exit(1);
});
