import { z } from 'zod';
import { canonical } from './zone.js';

/** The settings of what analysts see (config.ts takes them in): costs, the reporting zone, alerts. */
export const REPORTING_SETTINGS = {
  costPerMinuteBot: {
    env: 'DIALWISE_COST_PER_MINUTE_BOT',
    schema: z.coerce.number().min(0).default(0.1),
    fix: 'what a minute of a voice bot costs, in the currency KPIs report (cost per conversion)',
  },
  reportingTimeZone: {
    env: 'DIALWISE_REPORTING_TIME_ZONE',
    schema: z
      .string()
      .refine((zone) => canonical(zone) !== undefined, 'an IANA time zone, e.g. Asia/Shanghai')
      .default('UTC'),
    fix: 'the zone of days and hours of day in KPIs, trends, exports and alert messages (a request may name another)',
  },
  costPerMinuteAgent: {
    env: 'DIALWISE_COST_PER_MINUTE_AGENT',
    schema: z.coerce.number().min(0).default(1.5),
    fix: 'what a minute of a human agent costs, in the same currency',
  },
  slackSigningSecret: {
    env: 'SLACK_SIGNING_SECRET',
    schema: z.string().min(16).optional(),
    fix: "the Slack app's signing secret (its Basic Information page): verifies the alert messages' Acknowledge presses at POST /slack/actions",
  },
  slackDigest: {
    env: 'DIALWISE_SLACK_DIGEST',
    schema: z.string().min(1).default('0 1 * * *'),
    fix: 'when the daily digest goes to Slack: a 5-field cron in UTC (default 01:00, 09:00 in Beijing), or "off"',
  },
  alertIntervalMs: {
    env: 'DIALWISE_ALERT_INTERVAL_MS',
    schema: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
    fix: 'milliseconds between evaluations of the deviation alert rules',
  },
};
