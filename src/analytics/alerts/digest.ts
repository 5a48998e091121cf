/**
 * The daily digest to Slack: yesterday (a whole day in the reporting time
 * zone) against the day before — calls, connect and conversion rates —
 * with the alerts that fired and those still open, the calls the dialing
 * rules refused or flagged and the agents warned live. Figures from the
 * store (`digestFigures`), the message a pure function of them.
 */
import type { Store } from '../../core/store/store.js';
import { formatter, wallOf } from '../../core/zone.js';
import { formatKpi, kpisBy } from '../kpis/index.js';
import { agentWarningCounts, violationCounts } from '../records/index.js';
import { localTime, type SlackPayload } from './alert-message.js';

const DAY = 86_400_000;

/** One day's activity. */
export interface DayFigures {
  calls: number;
  connectRate: number;
  conversionRate: number;
  conversions: number;
}

export interface DigestFigures {
  /** The day, as the reporting zone writes it (2026-12-06). */
  day: string;
  timeZone: string;
  yesterday: DayFigures;
  dayBefore: DayFigures;
  alertsFired: number;
  alertsOpen: number;
  violations: number;
  agentWarnings: number;
}

/** [start, end) of the whole day before `nowMs` in `timeZone`, and the day before that. */
export function digestDays(nowMs: number, timeZone: string) {
  const f = formatter(timeZone) ?? formatter('UTC')!;
  const wall = wallOf(nowMs, f);
  const offset = wall - nowMs;
  const today = Math.floor(wall / DAY) * DAY - offset;
  return {
    day: new Date(today - DAY + offset).toISOString().slice(0, 10),
    yesterday: { from: today - DAY, to: today },
    dayBefore: { from: today - 2 * DAY, to: today - DAY },
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

async function dayFigures(store: Store, from: number, to: number): Promise<DayFigures> {
  const [all] = await kpisBy(store, null, { from: iso(from), to: iso(to), customers: false });
  return {
    calls: all?.calls ?? 0,
    connectRate: all?.connectRate ?? 0,
    conversionRate: all?.conversionRate ?? 0,
    conversions: all?.conversions ?? 0,
  };
}

export async function digestFigures(
  store: Store,
  nowMs: number,
  timeZone: string,
): Promise<DigestFigures> {
  const days = digestDays(nowMs, timeZone);
  const range = { from: iso(days.yesterday.from), to: iso(days.yesterday.to) };
  const [yesterday, dayBefore, [alerts], violations, warnings] = await Promise.all([
    dayFigures(store, days.yesterday.from, days.yesterday.to),
    dayFigures(store, days.dayBefore.from, days.dayBefore.to),
    store.query<{ fired: number; open: number }>(
      `SELECT (count(*) FILTER (WHERE fired_at >= ?::TIMESTAMPTZ AND fired_at < ?::TIMESTAMPTZ))::INTEGER AS fired,
         (count(*) FILTER (WHERE status = 'open'))::INTEGER AS open FROM alerts`,
      [range.from, range.to],
    ),
    violationCounts(store, range),
    agentWarningCounts(store, range),
  ]);
  return {
    day: days.day,
    timeZone,
    yesterday,
    dayBefore,
    alertsFired: alerts?.fired ?? 0,
    alertsOpen: alerts?.open ?? 0,
    violations: violations.reduce((n, v) => n + v.count, 0),
    agentWarnings: warnings.reduce((n, w) => n + w.turns, 0),
  };
}

/** `1,204 (+12%)` against the day before; no change shown from a day without calls. */
const versus = (now: number, before: number, text: string): string =>
  before > 0
    ? `${text} (${now >= before ? '+' : ''}${(((now - before) / before) * 100).toFixed(0)}%)`
    : text;

/** The digest as a Slack Block Kit message, linking to the last 7 days on the Overview. */
export function digestMessage(d: DigestFigures, dashboardUrl: string, nowMs: number): SlackPayload {
  const { yesterday: y, dayBefore: b } = d;
  const title = `📊 Dialwise daily digest: ${d.day} (${d.timeZone})`;
  const calls = versus(y.calls, b.calls, y.calls.toLocaleString('en-US'));
  const field = (label: string, value: string) => ({
    type: 'mrkdwn',
    text: `*${label}*\n${value}`,
  });
  const link = `${dashboardUrl.replace(/\/+$/, '')}/#/overview?range=7d`;
  return {
    text: `${title}: ${y.calls} calls, conversion ${formatKpi('conversionRate', y.conversionRate)}, ${d.alertsFired} alerts fired, ${d.alertsOpen} open`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: true } },
      {
        type: 'section',
        fields: [
          field('Calls (vs the day before)', calls),
          field('Connect rate', formatKpi('connectRate', y.connectRate)),
          field(
            'Conversion rate',
            `${formatKpi('conversionRate', y.conversionRate)} (${y.conversions} conversions)`,
          ),
          field('Alerts', `${d.alertsFired} fired, ${d.alertsOpen} open now`),
          field('Dialing violations', String(d.violations)),
          field('Agents warned live', String(d.agentWarnings)),
        ],
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `Sent ${localTime(new Date(nowMs), d.timeZone)}` }],
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open the last 7 days' },
            url: link,
            action_id: 'open_overview',
          },
        ],
      },
    ],
  };
}
