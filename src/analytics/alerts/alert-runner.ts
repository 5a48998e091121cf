import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.js';
import { DialwiseError } from '../../core/errors.js';
import type { Store, Tx } from '../../core/store/store.js';
import { decodeCursor, encodeCursor } from '../records/index.js';
import { readRuleInputs, type RuleInputs } from './alert-history.js';
import { slackMessage, type SlackPayload } from './alert-message.js';
import { baseline, weekendIn } from './baseline.js';
import {
  acknowledge,
  alertRuleSchema,
  evaluate,
  type AlertRule,
  type AlertState,
  type Transition,
} from './deviation-rules.js';
import { RATE_TRIALS } from './rate-trials.js';
import { digestFigures, digestMessage } from './digest.js';
import { sendWithRetry, type SendOptions } from './slack-webhook.js';

/**
 * Watched from the first start: conversion and connect rates, overall and by
 * region, for drops only. Both rates are better up; a rise is the dialer and
 * the script bandit learning (in the twin, both climb over the week), and a
 * page for good news teaches the on-call to ignore pages. A rise that means
 * trouble (double-counted conversions) is a data fault, for the pipeline's
 * health notices; a rule that should watch rises says `direction: 'both'`.
 */
const DEFAULT_RULES: AlertRule[] = [
  { metric: 'conversionRate', dimension: null },
  { metric: 'conversionRate', dimension: 'REGION' },
  { metric: 'connectRate', dimension: 'REGION' },
].map((r) =>
  alertRuleSchema.parse({ id: `${r.metric}-${r.dimension ?? 'all'}`, direction: 'drop', ...r }),
);

interface StoredState extends Omit<AlertState, 'firedAt' | 'lastNotifiedAt'> {
  firedAt: string | null;
  lastNotifiedAt: string | null;
}

const revive = (s: StoredState): AlertState => ({
  ...s,
  firedAt: s.firedAt === null ? null : new Date(s.firedAt),
  lastNotifiedAt: s.lastNotifiedAt === null ? null : new Date(s.lastNotifiedAt),
});

export interface AlertView extends AlertState {
  metric: string;
  dimension: string | null;
  threshold: number;
}

/** An alert as listed: when it last changed, and its place in the list. */
export type ListedAlert = AlertView & { updatedAt: string; cursor: string };

export interface RoundResult {
  evaluated: number;
  fired: number;
  resolved: number;
}

type Change = { view: Parameters<typeof slackMessage>[0]; transition: Transition };

/** Slack messages into the outbox, in order: delivered by deliver(), kept until Slack takes them. */
const queue = (tx: Tx, messages: readonly SlackPayload[], at: string): Promise<void> =>
  tx.run(
    `INSERT INTO alert_outbox VALUES ${messages.map(() => '(?, ?::JSON, ?::TIMESTAMPTZ)').join(', ')}`,
    messages.flatMap((m) => [randomUUID(), JSON.stringify(m), at]),
  );

/**
 * Deviation alerts over the live calls: every minute each rule compares the
 * last 60 minutes with its baseline (same hour of the week over past weeks,
 * else of the day over the last week, else an EWMA; `baseline.ts`) per
 * dimension value, and fires on a rate only past its significance gate. Alerts and the notifications still to
 * deliver are kept in DuckDB, so a failed Slack post is retried with
 * back-off on the next round and no alert is lost across a restart.
 */
export class AlertRunner {
  private readonly clock: Clock;
  private readonly send: SendOptions;
  private readonly weekend: ((ms: number) => boolean) | undefined;

  constructor(
    private readonly store: Store,
    private readonly opts: {
      slackWebhookUrl?: string | undefined;
      /** Where the messages link to (known once the server listens). */
      dashboardUrl: () => string;
      /** Slack's retries; they wait on `clock` unless they name their own. */
      send?: SendOptions;
      /** Rounds, baselines, alert times and Slack's back-off; the system clock unless injected. */
      clock?: Clock;
      /** The floor's time zone: the daily baseline tells its weekends from its weekdays. */
      timeZone?: string;
      /** The analysts' zone, for the times in alert messages (UTC by default). */
      reportingTimeZone?: string;
      /** After each delivery round: notices sent, whether one failed, what still waits. */
      onDelivery?(round: { sent: number; failed: boolean; waiting: number }): void;
    },
  ) {
    this.clock = opts.clock ?? systemClock;
    this.send = { clock: this.clock, ...opts.send };
    this.weekend = opts.timeZone ? weekendIn(opts.timeZone) : undefined;
  }

  /** The clock's time, as the TIMESTAMPTZ text the alert tables take. */
  private stamp(): string {
    return new Date(this.clock.now()).toISOString();
  }

  async rules(): Promise<AlertRule[]> {
    const rows = await this.store.query<{ rule: string }>(
      'SELECT rule::VARCHAR AS rule FROM alert_rules ORDER BY id',
    );
    if (rows.length === 0) return DEFAULT_RULES;
    return rows.map((r) => alertRuleSchema.parse(JSON.parse(r.rule)));
  }

  /** Adds or replaces a rule (validated; a 400 names each bad field). */
  async saveRule(input: unknown): Promise<AlertRule> {
    const r = alertRuleSchema.safeParse(input);
    if (!r.success)
      throw new DialwiseError(
        'BAD_REQUEST',
        r.error.issues.map((i) => `${i.path.join('.') || '(rule)'}: ${i.message}`).join('; '),
      );
    const current = await this.rules();
    await this.store.transaction(async (tx) => {
      // The defaults become stored rules the first time anyone edits one.
      for (const rule of [...current.filter((c) => c.id !== r.data.id), r.data])
        await tx.run(
          `INSERT INTO alert_rules VALUES (?, ?::JSON, ?::TIMESTAMPTZ)
           ON CONFLICT (id) DO UPDATE SET rule = excluded.rule, updated_at = excluded.updated_at`,
          [rule.id, JSON.stringify(rule), this.stamp()],
        );
    });
    return r.data;
  }

  /**
   * Newest change first, keyset-paginated: `cursor` of the last one shown
   * goes in `after`. `campaigns`: only alerts of rules split by campaign, for
   * those campaigns (a campaign-scoped reader sees no alert over others').
   */
  async alerts(
    status?: string | null,
    page: { limit?: number | null; after?: string | null } = {},
    campaigns?: readonly string[],
  ): Promise<ListedAlert[]> {
    const where = ['TRUE'];
    const params: (string | number)[] = [];
    if (campaigns) {
      const split = (await this.rules()).filter((r) => r.dimension === 'CAMPAIGN').map((r) => r.id);
      const list = (xs: readonly string[]) => xs.map(() => '?').join(', ') || 'NULL';
      where.push(`rule_id IN (${list(split)}) AND key IN (${list(campaigns)})`);
      params.push(...split, ...campaigns);
    }
    if (status) {
      where.push('status = ?');
      params.push(status);
    }
    if (page.after) {
      const c = decodeCursor(page.after, 'number');
      where.push('(epoch_us(updated_at) < ? OR (epoch_us(updated_at) = ? AND id > ?))');
      params.push(c.key, c.key, c.id);
    }
    return this.listed(where, params, Math.min(Math.max(page.limit ?? 50, 1), 200));
  }

  async acknowledge(ruleId: string, key: string): Promise<ListedAlert> {
    const [row] = await this.store.query<{ state: string }>(
      `SELECT state::VARCHAR AS state FROM alerts WHERE rule_id = ? AND key = ? AND status = 'open'`,
      [ruleId, key],
    );
    if (!row) throw new DialwiseError('NOT_FOUND', `no open alert for rule ${ruleId} and ${key}`);
    const view = JSON.parse(row.state) as AlertView & StoredState;
    await this.saveStates([{ ...view, ...acknowledge(revive(view)) }]);
    const [saved] = await this.listed(
      ['rule_id = ?', 'key = ?', "status = 'acknowledged'"],
      [ruleId, key],
      1,
    );
    return saved!;
  }

  private async listed(
    where: string[],
    params: (string | number)[],
    limit: number,
  ): Promise<ListedAlert[]> {
    const rows = await this.store.query<{ state: string; us: number; id: string }>(
      `SELECT state::VARCHAR AS state, epoch_us(updated_at)::DOUBLE AS us, id FROM
         (SELECT *, rule_id || chr(0) || key || chr(0) || fired_at::VARCHAR AS id FROM alerts)
       WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id LIMIT ?`,
      [...params, limit],
    );
    return rows.map((r) => ({
      ...(JSON.parse(r.state) as AlertView),
      updatedAt: new Date(r.us / 1000).toISOString(),
      cursor: encodeCursor({ key: r.us, id: r.id }),
    }));
  }

  /**
   * One round at the clock's time: evaluate every enabled rule, store the
   * transitions (alerts and their notifications, in one transaction), then
   * try to deliver what is pending.
   */
  async run(): Promise<RoundResult> {
    const now = new Date(this.clock.now());
    const counts = { evaluated: 0, fired: 0, resolved: 0 };
    const rules = (await this.rules()).filter((r) => r.enabled);
    const open = await this.openStates();
    // One read per dimension, however many rules watch it.
    const inputs = new Map<AlertRule['dimension'], Promise<RuleInputs>>();
    const changed: Change[] = [];
    for (const rule of rules) {
      if (!inputs.has(rule.dimension)) {
        const watching = rules.filter((r) => r.dimension === rule.dimension);
        inputs.set(rule.dimension, readRuleInputs(this.store, watching, rule.dimension, now));
      }
      const { history, current } = await inputs.get(rule.dimension)!;
      const states = open.get(rule.id) ?? new Map<string, AlertState>();
      for (const key of new Set([...current.keys(), ...states.keys()])) {
        const row = current.get(key);
        const trials = RATE_TRIALS[rule.metric];
        const points = (history.get(key) ?? []).map((h) => ({
          at: h.at,
          value: h[rule.metric],
          trials: trials?.(h),
        }));
        const base = baseline(points, now, {
          weeks: rule.weeks,
          ...(this.weekend && { weekend: this.weekend }),
        });
        const hour = {
          value: row?.[rule.metric] ?? 0,
          volume: row?.calls ?? 0,
          trials: trials && (row ? trials(row) : 0),
        };
        const result = evaluate(rule, key, hour, base, states.get(key), now);
        counts.evaluated++;
        if (!result.transition) continue;
        counts[result.transition]++;
        const { metric, dimension, threshold } = rule;
        changed.push({
          view: { ...result.state, metric, dimension, threshold },
          transition: result.transition,
        });
      }
    }
    if (changed.length) await this.record(changed);
    await this.deliver();
    return counts;
  }

  /** The round's transitions and their notifications, in one transaction. */
  private async record(changed: readonly Change[]): Promise<void> {
    const at = this.stamp();
    await this.store.transaction(async (tx) => {
      await this.saveStates(
        changed.map((c) => c.view),
        tx,
      );
      await queue(
        tx,
        changed.map((c) =>
          slackMessage(c.view, c.transition, this.opts.dashboardUrl(), this.opts.reportingTimeZone),
        ),
        at,
      );
    });
  }

  /**
   * The daily digest (digest.ts) of the day before in the reporting zone,
   * queued like an alert's notice (kept until Slack takes it), then sent.
   */
  async digest(): Promise<void> {
    const now = this.clock.now();
    const zone = this.opts.reportingTimeZone ?? 'UTC';
    const message = digestMessage(
      await digestFigures(this.store, now, zone),
      this.opts.dashboardUrl(),
      now,
    );
    await this.store.transaction((tx) => queue(tx, [message], this.stamp()));
    await this.deliver();
  }

  /** Posts pending notifications in order; what fails stays for the next round. */
  async deliver(): Promise<number> {
    const url = this.opts.slackWebhookUrl;
    if (!url) return 0;
    const pending = await this.store.query<{ id: string; payload: string }>(
      'SELECT id, payload::VARCHAR AS payload FROM alert_outbox ORDER BY created_at, id',
    );
    let sent = 0;
    let failed = false;
    for (const p of pending) {
      const r = await sendWithRetry(url, JSON.parse(p.payload), this.send);
      if (!r.ok) {
        failed = true;
        break;
      }
      await this.store.transaction((tx) => tx.run('DELETE FROM alert_outbox WHERE id = ?', [p.id]));
      sent++;
    }
    this.opts.onDelivery?.({ sent, failed, waiting: pending.length - sent });
    return sent;
  }

  /** The latest alert per rule and key (the evaluation decides what its status means now). */
  private async openStates(): Promise<Map<string, Map<string, AlertState>>> {
    const rows = await this.store.query<{ rule_id: string; key: string; state: string }>(
      `SELECT rule_id, key, arg_max(state, fired_at)::VARCHAR AS state FROM alerts GROUP BY ALL`,
    );
    const byRule = new Map<string, Map<string, AlertState>>();
    for (const r of rows) {
      let keys = byRule.get(r.rule_id);
      if (!keys) byRule.set(r.rule_id, (keys = new Map()));
      keys.set(r.key, revive(JSON.parse(r.state) as StoredState));
    }
    return byRule;
  }

  private async saveStates(
    views: readonly (AlertView | (AlertView & StoredState))[],
    tx?: Tx,
  ): Promise<void> {
    const at = this.stamp();
    const write = (t: Tx) =>
      t.run(
        `INSERT INTO alerts VALUES ${views.map(() => '(?, ?, ?::TIMESTAMPTZ, ?, ?::JSON, ?::TIMESTAMPTZ)').join(', ')}
         ON CONFLICT (rule_id, key, fired_at) DO UPDATE SET
           status = excluded.status, state = excluded.state, updated_at = excluded.updated_at`,
        views.flatMap((view) => [
          view.ruleId,
          view.key,
          new Date(view.firedAt ?? 0).toISOString(),
          view.status,
          JSON.stringify(view),
          at,
        ]),
      );
    await (tx ? write(tx) : this.store.transaction(write));
  }
}
