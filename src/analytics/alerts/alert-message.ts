/**
 * The Slack Block Kit message that announces an alert fired or resolved;
 * values are written as the KPI catalogue formats them, like the dashboard.
 */
import { DIMENSION_CATALOGUE, formatKpi, KPIS } from '../kpis/index.js';
import type { AlertDimension, AlertMetric, AlertState, Transition } from './deviation-rules.js';

export interface SlackPayload {
  text: string;
  blocks: Record<string, unknown>[];
}

// Slack mrkdwn treats these three as control characters.
const escapeMrkdwn = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An instant as the analysts read it: `2026-12-07 16:00 Asia/Shanghai`. */
export const localTime = (at: Date, timeZone: string): string =>
  `${new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at)} ${timeZone}`;

/**
 * The dashboard's Overview over the last 24 hours, filtered to the alert's
 * scope where its dimension is a filter (`#/overview?range=24h&region=east`;
 * the dashboard reads these, hash-router.ts).
 */
export function alertLink(
  dashboardUrl: string,
  dimension: AlertDimension | null,
  key: string,
): string {
  const params = new URLSearchParams({ range: '24h' });
  const where = dimension && (DIMENSION_CATALOGUE[dimension] as { where?: string }).where;
  if (where) params.set(where, key);
  return `${dashboardUrl.replace(/\/+$/, '')}/#/overview?${params}`;
}

/** A Slack Block Kit message announcing that an alert fired or resolved; times in `timeZone`. */
export function slackMessage(
  alert: AlertState & { metric: AlertMetric; dimension: AlertDimension | null; threshold: number },
  transition: Transition,
  dashboardUrl: string,
  timeZone = 'UTC',
): SlackPayload {
  const pct = `${alert.deviation >= 0 ? '+' : ''}${(alert.deviation * 100).toFixed(1)}%`;
  const scope = alert.dimension ? `${alert.dimension} = ${alert.key}` : 'overall';
  const value = formatKpi(alert.metric, alert.value);
  const base = formatKpi(alert.metric, alert.baseline);
  const title =
    transition === 'fired'
      ? `🚨 ${alert.metric} ${alert.deviation < 0 ? 'dropped' : 'rose'} ${pct} (${scope})`
      : `✅ Resolved: ${alert.metric} back to normal (${scope})`;
  const link = alertLink(dashboardUrl, alert.dimension, alert.key);
  const text = `${title}: ${value} vs baseline ${base} (${pct}, threshold ${(alert.threshold * 100).toFixed(0)}%)`;

  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: true } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Metric*\n${KPIS[alert.metric].label} (${alert.metric})` },
          {
            type: 'mrkdwn',
            text: `*${alert.dimension ?? 'Scope'}*\n${escapeMrkdwn(alert.dimension ? alert.key : 'overall')}`,
          },
          { type: 'mrkdwn', text: `*Value vs baseline*\n${value} vs ${base}` },
          {
            type: 'mrkdwn',
            text: `*Deviation*\n${pct} (threshold ${(alert.threshold * 100).toFixed(0)}%)`,
          },
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Rule \`${escapeMrkdwn(alert.ruleId)}\` · ${transition}${
              alert.firedAt ? ` · fired ${localTime(alert.firedAt, timeZone)}` : ''
            }`,
          },
        ],
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open in the dashboard' },
            url: link,
            action_id: 'open_alerts',
          },
          // Pressed in Slack: POST /slack/actions acknowledges it as the Slack user.
          ...(transition === 'fired'
            ? [
                {
                  type: 'button',
                  text: { type: 'plain_text', text: 'Acknowledge' },
                  style: 'primary',
                  action_id: 'acknowledge',
                  value: JSON.stringify({ rule: alert.ruleId, key: alert.key }),
                },
              ]
            : []),
        ],
      },
    ],
  };
}
