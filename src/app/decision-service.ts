import { join } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { FieldCipher } from '../core/crypto.js';
import { Journal } from '../core/journal.js';
import type { Config } from '../core/config.js';
import { DialwiseError } from '../core/errors.js';
import type { DialwiseEvent } from '../core/events/index.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import { sendWithRetry } from '../analytics/alerts/index.js';
import {
  checkConciseBeforeTransfer,
  createExperiment,
  DecisionEngine,
  DecisionLogWriter,
  EngineJournal,
  emptyEngineState,
  foldRecord,
  loadFlow,
  loadScripts,
  loadSkillModel,
  loadTransferConfig,
  parseDialingRules,
  ScriptVersions,
  ViolationWriter,
  type Agent,
  type DecisionDeps,
  type DecisionRecord,
  type DialingViolation,
  type EngineRecord,
  type Unwritten,
} from '../decision/index.js';
import { loadLiveScriptPolicy } from './live-script-policy.js';
import { engineViews, pinCandidates, type DecisionLayerDeps } from './decision-views.js';
import { decisionConfigDir, readJson } from './setup.js';

const agentsSchema = z.strictObject({
  agents: z.array(
    z.strictObject({
      id: z.string().min(1),
      queues: z.array(z.string().min(1)).min(1),
      languages: z.array(z.string().min(1)).min(1),
      available: z.boolean(),
    }),
  ),
  skills: z.unknown(),
});

/** The decision layer's config files, validated together at start; where lines may be generated, if anywhere. */
function loadSetup(config: Config, deps: Pick<DecisionLayerDeps, 'checkBotLine' | 'generation'>) {
  const dir = decisionConfigDir(config);
  const scriptPolicyFile = config.scriptPolicyFile;
  const checkBotLine = deps.checkBotLine;
  const read = (file: string) => readJson(join(dir, file));
  const agents = agentsSchema.parse(read('agents.json'));
  const flow = loadFlow(read('dialog-flow.json'));
  const transfer = loadTransferConfig(read('transfer.json'));
  checkConciseBeforeTransfer(flow.concise.impatienceAtLeast, transfer);
  const library = loadScripts(read('scripts.json'), checkBotLine);
  return {
    flow,
    scripts: new ScriptVersions(library),
    scriptPolicy: scriptPolicyFile ? loadLiveScriptPolicy(scriptPolicyFile, library) : undefined,
    transfer,
    dialing: parseDialingRules(read('dialing.json'), join(dir, 'dialing.json')),
    experiment: createExperiment(),
    skills: loadSkillModel(agents.skills),
    agents: agents.agents.map((a): Agent => ({ ...a })),
    generation: deps.generation?.policy,
  };
}

/** How far back answered/unanswered calls teach the answer model after a restart. */
const ANSWER_HISTORY_DAYS = 90;

const journalDir = (config: Config) => join(config.dataDir, 'decision-state');

/** `dialwise rotate-keys`: the engine's journal sealed again with the current key; returns its records. */
export function resealEngineJournal(config: Config, cipher: FieldCipher): number {
  const { journal, records } = Journal.open<EngineRecord>(journalDir(config), 'engine', cipher);
  journal.compact(() => records, true);
  journal.close();
  return records.length;
}

/**
 * The engine's journal in the data folder (`decision-state/`): what the
 * last process recorded, folded, and the journal that goes on writing.
 */
function openJournal(config: Config, cipher: FieldCipher, logger: Logger) {
  const dir = journalDir(config);
  let opened: ReturnType<typeof Journal.open<EngineRecord>>;
  try {
    opened = Journal.open<EngineRecord>(dir, 'engine', cipher);
  } catch (err) {
    throw new DialwiseError(
      'CONFIG_INVALID',
      `the decision journal in ${dir} cannot be read (${String(err)}): give the data key that ` +
        `sealed it (DIALWISE_DATA_KEYS_PREVIOUS), restore the folder, or move it away to start ` +
        `without the calls in progress, the agents' learned skills and API script rollouts ` +
        `(the experiments are then rebuilt from the stored decisions)`,
      { cause: err },
    );
  }
  if (opened.torn) logger.log('warn', 'decision journal: a torn last line cut off', { dir });
  const state = opened.records.reduce(foldRecord, emptyEngineState());
  return {
    state,
    journal: new EngineJournal(opened.journal, state),
    resumed: opened.records.length > 0,
  };
}

/**
 * The decision log's and the dialing violations' writers, each row in the
 * journal from the moment it is made until it is stored: a kill loses none,
 * and the next start stores what was left, each row once.
 */
function durableWriters(deps: DecisionLayerDeps, journal: EngineJournal) {
  const { store, clock, logger } = deps;
  const failed = (what: string) => (err: unknown) =>
    logger.log('error', `${what} write failed; retrying`, { err: String(err) });
  const log = new DecisionLogWriter(deps.ship?.decisions ?? store, clock, failed('decision log'));
  const violations = new ViolationWriter(
    deps.ship?.violations ?? store,
    clock,
    failed('dialing violation'),
  );
  log.onWritten = (rows) =>
    journal.write({ k: 'written', table: 'decisions', ids: rows.map((r) => r.decision_id) });
  violations.onWritten = (rows) =>
    journal.write({ k: 'written', table: 'dialing_violations', ids: rows.map((r) => r.id) });
  return {
    log,
    violations,
    decision(r: DecisionRecord) {
      journal.write({ k: 'rows', table: 'decisions', rows: [r] });
      log.add(r);
    },
    violation(v: DialingViolation) {
      journal.write({ k: 'rows', table: 'dialing_violations', rows: [v] });
      violations.add(v);
    },
    again: (u: Unwritten) =>
      Promise.all([
        log.writeAgain([...u.decisions.values()]),
        violations.writeAgain([...u.dialing_violations.values()]),
      ]),
  };
}

/** Where the engine's records go: the journal, or a replica's live calls to the changelog (their ends to both). */
const recordTo = (journal: EngineJournal, sessions: DecisionLayerDeps['sessions']) =>
  !sessions
    ? journal.write
    : (r: EngineRecord) => {
        if (r.k === 'session' || r.k === 'end') sessions.record(r);
        if (r.k !== 'session') journal.write(r);
      };

/**
 * Alerts to Slack, handoffs and agents' compliance warnings to the agent
 * desktop, fire and forget: the call goes on whatever the receiver does.
 */
function notices(
  config: Config,
  logger: Logger,
  clock: Clock,
): Pick<DecisionDeps, 'alert' | 'pushHandoff' | 'pushWarning'> {
  const post = (url: string, body: unknown, what: string) =>
    void sendWithRetry(url, body, { attempts: 4, timeoutMs: 5_000, clock }).then(
      (r) =>
        r.ok || logger.log('error', `${what} failed`, { status: r.status, attempts: r.attempts }),
    );
  return {
    alert(message) {
      logger.log('warn', 'decision alert', { message });
      if (config.slackWebhookUrl)
        post(config.slackWebhookUrl, { text: `:telephone_receiver: ${message}` }, 'Slack alert');
    },
    pushHandoff(handoff) {
      if (config.handoffWebhookUrl) post(config.handoffWebhookUrl, handoff, 'handoff push');
    },
    pushWarning(warning) {
      logger.log('warn', 'agent compliance warning', {
        call_id: warning.call_id,
        agent_id: warning.agent_id,
        rules: warning.hits.map((h) => h.rule),
      });
      if (config.handoffWebhookUrl) post(config.handoffWebhookUrl, warning, 'agent warning push');
    },
  };
}

/**
 * The decision engine over the live pipeline state: profiles from the
 * enricher, the served models (a promoted champion included), decisions
 * logged to DuckDB, its events back into the pipeline.
 */
export function startDecisions(
  config: Config,
  deps: DecisionLayerDeps,
): {
  engine: DecisionEngine;
  /** The engine learns from the events; an erasure also drops the customer's unwritten decisions and violations. */
  observe(events: readonly DialwiseEvent[]): void;
  /** The journal's events the pipeline has not taken yet: to be sent again. */
  unsent: DialwiseEvent[];
  /** The engine's events reached the pipeline (or the bus). */
  sent(events: readonly DialwiseEvent[]): void;
  /** Rebuilds what the engine learned (the answer model; experiments too before the journal held them). */
  restore(): Promise<{ calls: number; rewards: number; answers: number }>;
  close(): Promise<void>;
} {
  const { logger, clock } = deps;
  const { state, journal, resumed } = openJournal(config, deps.cipher, logger);
  const unsent = [...state.unsent.values()];
  // A replica's live calls are the changelog's: it takes them over with its partitions.
  if (deps.sessions) state.sessions.clear();
  const { log, violations, ...rows } = durableWriters(deps, journal);
  const engine = new DecisionEngine(loadSetup(config, deps), {
    ...engineViews(deps),
    clock,
    models: deps.models,
    checkBotLine: deps.checkBotLine,
    agentLines: deps.agentLines,
    emit: deps.emit,
    log: rows.decision,
    violation: rows.violation,
    ...notices(config, logger, clock),
    ...(deps.generation && { generate: deps.generation.generate }),
    journal: recordTo(journal, deps.sessions),
  });
  engine.resume(state);
  journal.state = () => engine.durableState();
  let closed = false;
  // Every 60 commits (30 s by default): scores out of memory move only when their customers come back.
  const pinned = pinCandidates(deps, 60 * config.commitIntervalMs);
  return {
    engine,
    observe(events) {
      // After the close only the layer's own last events pass by: nothing in them to learn.
      if (closed) return;
      engine.observe(events);
      for (const e of events)
        if (e.type === 'customer.erased') {
          log.forget(e.customer_id);
          violations.forget(e.customer_id);
          void journal.forget(e.customer_id).catch((err) =>
            logger.log('error', 'decision journal not compacted after an erasure', {
              err: String(err),
            }),
          );
        }
    },
    unsent,
    sent(events) {
      // Taken after the close: the next start sends them again, and the pipeline drops repeats.
      if (!closed) journal.write({ k: 'sent', ids: events.map((e) => e.event_id) });
    },
    async restore() {
      await pinned.ready;
      await rows.again(state.unwritten);
      const learned = await restoreLearned(deps.store, engine, !resumed);
      // From here the journal holds it all: the next start reads no history from the store.
      journal.compact();
      return { calls: state.sessions.size, ...learned };
    },
    async close() {
      closed = true;
      pinned.stop();
      engine.close();
      // The writers first: what they store is marked written in the journal.
      await Promise.all([log.close(), violations.close()]);
      await journal.close();
    },
  };
}

/**
 * Rebuilds what the engine learned from the calls in the store: the answer
 * model, and with `rewards` (a data folder from before the journal) the
 * experiments from every logged decision of an ended call.
 */
async function restoreLearned(
  store: Store,
  engine: DecisionEngine,
  withRewards: boolean,
): Promise<{ rewards: number; answers: number }> {
  const rewards = !withRewards
    ? []
    : await store.query<{
        node: string;
        segment: string;
        variant: string;
        converted: boolean;
      }>(
        `SELECT d.node, d.segment, d.variant, c.outcome = 'converted' AS converted
     FROM decisions d JOIN calls c USING (call_id)
     WHERE c.outcome IS NOT NULL AND d.variant NOT IN ('safe', 'generated')`,
      );
  const answers = await store.query<{ customer_id: string; at: string; answered: boolean }>(
    `SELECT customer_id, started_at::VARCHAR AS at, answered FROM calls
     WHERE answered IS NOT NULL AND started_at > now() - INTERVAL ${ANSWER_HISTORY_DAYS} DAY`,
  );
  engine.restore({ rewards, answers: answers.map((a) => ({ ...a, at: new Date(a.at) })) });
  return { rewards: rewards.length, answers: answers.length };
}
