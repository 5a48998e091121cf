import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/app/index.js';
import { startSlackReceiver } from '../../src/app/slack-receiver.js';
import { anomalyStarts, platformAlerts } from '../../src/app/twin-session.js';
import { platformTarget, twinRules } from '../../src/app/twin.js';
import { manualClock } from '../../src/core/clock.js';
import { loadDialingRules } from '../../src/decision/index.js';
import { loadCrmMapping } from '../../src/pipelines/index.js';
import {
  alertFigures,
  createWorld,
  loadScenario,
  parseScenario,
  runTwin,
  type TwinReport,
} from '../../src/twin/index.js';
import { allDayDecisionConfig } from '../helpers/decision-config.js';
import { gql } from '../helpers/gql.js';
import { startTestPlatform } from '../helpers/platform.js';

const base = loadScenario('config/scenarios/small-centre.json');
/**
 * One day of the small centre, tuned so the default connect-rate rule (60
 * minutes against an hourly baseline, at least 20 calls, ±20%) can see the
 * anomaly: answering flat over the working day (the shipped hourly curves
 * swing by more than 20% from hour to hour, so the rule fires on them all
 * morning and the alert is still open when the anomaly starts), most
 * customers in east (so its hour has the volume), and from noon east's
 * customers answer a fifth as often.
 */
const ANOMALY_DAY = 0.5;
const flat = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 21 ? 0.8 : 0.02));
const scenario = parseScenario(
  {
    ...base,
    days: 1,
    segments: base.segments.map((s) => ({
      ...s,
      regions: { east: 0.8, north: 0.2 },
      answer: { hours: flat, weekdays: [1, 1, 1, 1, 1, 1, 1] },
    })),
    anomalies: [{ kind: 'connect_drop', region: 'east', fromDay: ANOMALY_DAY, factor: 0.2 }],
  },
  'twin.test',
);
const CALLS = 900;
const SEED = 5;

describe('the twin drives the platform for a simulated day', () => {
  const clock = manualClock(Date.parse(scenario.start) - 2 * 3_600_000);
  const decisionDir = allDayDecisionConfig();
  let slack: Awaited<ReturnType<typeof startSlackReceiver>>;
  let p: Platform;
  let report: TwinReport;
  const world = createWorld(scenario, SEED);

  beforeAll(async () => {
    slack = await startSlackReceiver();
    p = await startTestPlatform(
      { SLACK_WEBHOOK_URL: slack.url, DIALWISE_DECISION_CONFIG: decisionDir },
      // The weekly retrain would fall due on the virtual clock and spawn a build the tests do not have.
      { clock, retrain: false },
    );
    report = await runTwin({
      world,
      policy: 'dialwise',
      calls: CALLS,
      seed: SEED,
      rules: twinRules(
        loadDialingRules(join(decisionDir, 'dialing.json')),
        scenario.campaign_id,
        loadCrmMapping(JSON.parse(readFileSync('config/crm-mapping.json', 'utf8'))),
      ),
      costs: scenario.costs,
      target: platformTarget({
        url: p.url,
        apiKey: p.adminKey,
        campaignId: scenario.campaign_id,
        clock,
      }),
    });
    // Let the last alert rounds and their Slack posts go out.
    clock.advance(5 * 60_000);
    await p.waitForIdle();
  }, 240_000);
  afterAll(async () => {
    await p?.stop();
    await slack?.stop();
  });

  it('dials, talks and hands over through the API, keeping every rule', () => {
    expect(report.dials).toBeGreaterThan(CALLS / 2);
    expect(report.answered).toBeGreaterThan(0);
    expect(report.transfers).toBeGreaterThan(0);
    expect(report.violations.total).toBe(0);
  });

  it('GraphQL shows the live experiments and the calls with their transfers', async () => {
    const r = await gql(
      p.url,
      `{ experiments { source node trials variants { variant trials } }
         kpis { key calls answered transfers } }`,
      p.adminKey,
    );
    expect(r.body.errors).toBeUndefined();
    const live = r.body.data!.experiments.filter(
      (e: { source: string }) => e.source === 'decision',
    );
    expect(live.length).toBeGreaterThan(0);
    expect(live.some((e: { trials: number }) => e.trials > 0)).toBe(true);
    const [all] = r.body.data!.kpis;
    expect(all.calls).toBe(report.dials);
    expect(all.answered).toBeGreaterThan(0);
    expect(all.transfers).toBeGreaterThan(0);
  });

  it('logs each decision with a propensity in (0, 1] and its context', async () => {
    const rows = await p.store.query<{ propensity: number; context: string | null }>(
      `SELECT propensity, context::VARCHAR AS context FROM decisions WHERE kind = 'turn'`,
    );
    expect(rows.length).toBeGreaterThan(report.answered);
    for (const r of rows) {
      expect(r.propensity).toBeGreaterThan(0);
      expect(r.propensity).toBeLessThanOrEqual(1);
      expect(JSON.parse(r.context!)).toMatchObject({ region: expect.any(String) });
    }
  });

  it("the connect-rate drop in east reaches Slack after the anomaly's start", async () => {
    const alerts = await platformAlerts(p.url, p.adminKey);
    // Counted on the connect-rate rule alone: the conversion rules fire on a region's drop too.
    const connect = alerts.filter((a) => a.ruleId === 'connectRate-REGION');
    const figures = alertFigures(connect, anomalyStarts(world));
    expect(figures.alertDelayMinutes).not.toBeNull();
    expect(figures.alertDelayMinutes!).toBeLessThan(120);
    expect(slack.posts.some((x) => /connectRate dropped .*REGION = east/.test(x.text))).toBe(true);
  });

  it('POST /admin/clock moves the virtual clock forward only; a bad instant is a 400', async () => {
    const post = (body: unknown) =>
      fetch(`${p.url}/admin/clock`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const now = clock.now();
    const back = await post({ to: new Date(now - 3_600_000).toISOString() });
    expect(back.status).toBe(200);
    expect(await back.json()).toEqual({ now: new Date(now).toISOString() });
    const on = await post({ to: new Date(now + 60_000).toISOString() });
    expect(await on.json()).toEqual({ now: new Date(now + 60_000).toISOString() });
    expect(clock.now()).toBe(now + 60_000);
    expect((await post({ to: 'tomorrow' })).status).toBe(400);
  });
});
