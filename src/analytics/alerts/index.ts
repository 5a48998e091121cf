// Alerts: deviation rules over the KPIs (baselines, fire/resolve), the runner
// that evaluates them in rounds and keeps them in DuckDB, the operator's
// health notices, and Slack delivery. The only entry for other folders.
export { AlertRunner, type AlertView, type ListedAlert, type RoundResult } from './alert-runner.js';
export { slackMessage, type SlackPayload } from './alert-message.js';
export {
  baseline,
  weekendIn,
  type Baseline,
  type BaselineOptions,
  type HourPoint,
} from './baseline.js';
export {
  acknowledge,
  ALERT_DIMENSIONS,
  ALERT_DIRECTIONS,
  ALERT_METRICS,
  ALERT_STATUSES,
  alertRuleSchema,
  evaluate,
  rateZ,
  type AlertDimension,
  type AlertMetric,
  type AlertRule,
  type AlertState,
  type Evaluation,
  type Transition,
} from './deviation-rules.js';
export { digestDays, digestFigures, digestMessage, type DigestFigures } from './digest.js';
export { RATE_TRIALS } from './rate-trials.js';
export { watchHealth, type HealthAlertOptions } from './health-alerts.js';
export { sendWithRetry, type SendOptions, type SendResult } from './slack-webhook.js';
