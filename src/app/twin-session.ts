import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock, type Clock, type ManualClock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import {
  alertFigures,
  compareToPeers,
  createWorld,
  loadScenario,
  runTwin,
  type PolicyName,
  type Scenario,
  type SeenAlert,
  type TwinReport,
  type World,
} from '../twin/index.js';
import { startPlatform, type Platform } from './platform.js';
import { crmMappingOf, dialingRulesOf } from './setup.js';
import { startSlackReceiver } from './slack-receiver.js';
import { platformTarget, twinCosts, twinLines, twinRules } from './twin.js';

const DAY_MS = 86_400_000;
/** The platform's clock starts this long before the scenario: time to load the customers. */
const LEAD_MS = 2 * 3_600_000;

export interface SimulateRequest {
  scenarioFile: string;
  calls: number;
  seed: number;
  policies: readonly PolicyName[];
}

const ALERTS_QUERY = '{ alerts(limit: 200) { ruleId key metric firedAt } }';

/** The alerts the platform fired, through GraphQL as the dashboard reads them. */
export async function platformAlerts(url: string, apiKey: string): Promise<SeenAlert[]> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: ALERTS_QUERY }),
  });
  const body = (await res.json()) as { data?: { alerts: SeenAlert[] }; errors?: unknown };
  if (!body.data) throw new Error(`GraphQL alerts: ${JSON.stringify(body.errors)}`);
  return body.data.alerts;
}

/** Each anomaly of the world with the instant it starts. */
export const anomalyStarts = (world: World) => {
  const start = Date.parse(world.scenario.start);
  return world.scenario.anomalies.map((a) => ({ ...a, startMs: start + a.fromDay * DAY_MS }));
};

/**
 * `dialwise simulate`: the scenario's week against a platform started here
 * on a virtual clock (a fresh data folder; the model registry shared with
 * the configured one, so the default models are trained once), then the
 * naive centre and the oracle on the same world and seed, side by side.
 */
export async function simulateScenario(config: Config, logger: Logger, req: SimulateRequest) {
  const scenario = loadScenario(req.scenarioFile);
  const lines = twinLines(config, crmMappingOf(config));
  const world = () => createWorld(scenario, req.seed, lines);
  const rules = twinRules(dialingRulesOf(config), scenario.campaign_id, crmMappingOf(config));
  const costs = twinCosts(config, scenario);
  const reports: Partial<
    Record<PolicyName, TwinReport & Partial<ReturnType<typeof alertFigures>>>
  > = {};
  for (const policy of req.policies) {
    if (policy !== 'dialwise') {
      reports[policy] = await runTwin({
        world: world(),
        policy,
        calls: req.calls,
        seed: req.seed,
        rules,
        costs,
      });
      continue;
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'dialwise-twin-'));
    const slack = await startSlackReceiver();
    const clock = manualClock(Date.parse(scenario.start) - LEAD_MS);
    let platform: Platform | undefined;
    try {
      platform = await startPlatform(
        {
          ...config,
          dataDir,
          port: 0,
          registryDir: config.registryDir ?? join(config.dataDir, 'registry'),
          slackWebhookUrl: slack.url,
          simulateRate: 0,
        },
        // The weekly retrain is left out: it would cross the simulated week and take minutes.
        { logger, clock, retrain: false },
      );
      const w = world();
      const target = platformTarget({
        url: platform.url,
        apiKey: platform.adminKey,
        campaignId: scenario.campaign_id,
        clock,
      });
      const report = await runTwin({
        world: w,
        policy,
        calls: req.calls,
        seed: req.seed,
        rules,
        costs,
        target,
      });
      const alerts = await platformAlerts(platform.url, platform.adminKey);
      reports.dialwise = {
        ...report,
        ...alertFigures(alerts, anomalyStarts(w)),
        slackPosts: slack.posts.length,
      } as typeof report;
    } finally {
      await platform?.stop();
      await slack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const { naive, dialwise, oracle } = reports;
  return {
    scenario: scenario.name,
    seed: req.seed,
    calls: req.calls,
    policies: reports,
    ...(naive && dialwise && oracle && { ratios: compareToPeers({ naive, dialwise, oracle }) }),
  };
}

/**
 * The twin inside `dialwise start`: the platform's clock starts `daysBack`
 * days ago, the twin replays those days as fast as it can (so the dashboard
 * opens on history: experiments, transfers, opt-outs, the anomaly's alert),
 * and from then on the clock follows the wall clock and the twin dials live.
 */
export function demoClock(daysBack: number): { clock: ManualClock; startMs: number } {
  const now = Date.now();
  const startMs = Math.floor((now - daysBack * DAY_MS) / 3_600_000) * 3_600_000;
  return { clock: manualClock(startMs - LEAD_MS), startMs };
}

export function startTwinDemo(
  platform: Platform,
  config: Config,
  logger: Logger,
  opts: { clock: ManualClock; startMs: number },
): { stop(): Promise<void> } {
  const base: Scenario = loadScenario(config.scenarioFile);
  // The same world, moved so that its first day is the clock's first day; it runs on past its days.
  const scenario: Scenario = { ...base, start: new Date(opts.startMs).toISOString(), days: 366 };
  const world = createWorld(scenario, Date.now() % 100_000);
  const abort = new AbortController();
  let following: NodeJS.Timeout | undefined;
  const rules = twinRules(dialingRulesOf(config), scenario.campaign_id, crmMappingOf(config));
  const run = runTwin({
    world,
    policy: 'dialwise',
    calls: Math.round(config.simulateRate * 60 * 24 * scenario.days),
    seed: 1,
    rules,
    costs: twinCosts(config, scenario),
    target: platformTarget({
      url: platform.url,
      apiKey: platform.adminKey,
      campaignId: scenario.campaign_id,
      clock: opts.clock,
    }),
    signal: abort.signal,
    onCaughtUp() {
      // From now on the platform's clock follows the wall clock, whatever the twin does.
      following = setInterval(() => opts.clock.set(Date.now()), 100);
      logger.log('info', 'the twin caught up with the wall clock: dialing live');
    },
  }).catch((err) => logger.log('error', 'the contact-centre twin stopped', { err: String(err) }));
  return {
    async stop() {
      abort.abort();
      await run;
      clearInterval(following);
    },
  };
}

/** Days of history the demo replays before it dials live: the default scenario's anomaly starts on day 3. */
const DEMO_DAYS_BACK = 4;

/**
 * `dialwise start`: the platform, on the wall clock; on a virtual clock
 * driven by `POST /admin/clock` when DIALWISE_VIRTUAL_CLOCK is set; or, with
 * the twin on (DIALWISE_SIM_RATE > 0), on the demo's clock with the twin and,
 * unless Slack is configured, a local Slack receiver that prints each post.
 */
export async function startWithTwin(config: Config, logger: Logger, clock: Clock) {
  const virtual = config.virtualClock ? manualClock(Date.parse(config.virtualClock)) : undefined;
  const demo = !virtual && config.simulateRate > 0 ? demoClock(DEMO_DAYS_BACK) : undefined;
  const slack =
    demo && !config.slackWebhookUrl
      ? await startSlackReceiver((p) =>
          logger.log('info', 'Slack post', { text: p.text.slice(0, 200) }),
        )
      : undefined;
  const platform = await startPlatform(
    { ...config, ...(slack && { slackWebhookUrl: slack.url }) },
    { logger, clock: virtual ?? demo?.clock ?? clock },
  );
  const twin = demo && startTwinDemo(platform, config, logger, demo);
  return {
    platform,
    slackReceiver: slack?.url,
    async stop() {
      await twin?.stop();
      await platform.stop();
      await slack?.stop();
    },
  };
}
