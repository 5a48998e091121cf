import type { Anomaly } from './scenario.js';
import type { TwinReport } from './run-twin.js';

/** An alert as the platform lists it (GraphQL `alerts`). */
export interface SeenAlert {
  ruleId: string;
  key: string;
  metric: string;
  firedAt: string | null;
}

export interface AlertFigures {
  /** Minutes from each anomaly's start to the first alert on its region (null: none came). */
  alertDelayMinutes: number | null;
  /** Alerts that no anomaly explains: before any started, or on another region. */
  falseAlerts: number;
  alerts: number;
}

/**
 * Whether an alert is about the anomaly: a connect drop shows in the
 * connect rate of its region (or overall), a variant's decay in conversion.
 */
const explains = (x: Anomaly, a: SeenAlert): boolean =>
  x.kind === 'connect_drop'
    ? a.metric === 'connectRate' && (a.key === x.region || a.key === 'all')
    : a.metric === 'conversionRate';

/**
 * How the platform's deviation alerts met the scenario's anomalies: an
 * alert on the anomaly's region (or overall) after its start is a catch;
 * any other is a false alert.
 */
export function alertFigures(
  alerts: readonly SeenAlert[],
  anomalies: readonly (Anomaly & { startMs: number })[],
): AlertFigures {
  let delay: number | null = null;
  let falseAlerts = 0;
  for (const a of alerts) {
    const at = a.firedAt ? Date.parse(a.firedAt) : NaN;
    if (!Number.isFinite(at)) continue;
    const explained = anomalies.find((x) => at >= x.startMs && explains(x, a));
    if (!explained) {
      falseAlerts += 1;
      continue;
    }
    const minutes = (at - explained.startMs) / 60_000;
    delay = delay === null ? minutes : Math.min(delay, minutes);
  }
  return {
    alertDelayMinutes: delay === null ? null : Math.round(delay * 10) / 10,
    falseAlerts,
    alerts: alerts.length,
  };
}

const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 ? null : Math.round((a / b) * 1000) / 1000;

/**
 * The figures the issue states targets for: Dialwise as a share of the
 * oracle, and against naive; and, where it ran, as a share of the
 * clairvoyant (who knows every customer's hidden draw: a reference, no target).
 */
export function compareToPeers(r: {
  naive: TwinReport;
  dialwise: TwinReport;
  oracle: TwinReport;
  clairvoyant?: TwinReport;
}) {
  return {
    ...(r.clairvoyant && {
      conversionsVsClairvoyant: ratio(r.dialwise.conversions, r.clairvoyant.conversions),
    }),
    reachVsOracle: ratio(r.dialwise.reachRate, r.oracle.reachRate),
    reachVsNaive: ratio(r.dialwise.reachRate, r.naive.reachRate),
    conversionsVsOracle: ratio(r.dialwise.conversions, r.oracle.conversions),
    conversionsVsNaive: ratio(r.dialwise.conversions, r.naive.conversions),
    costPerContactVsNaive: ratio(r.dialwise.costPerContact, r.naive.costPerContact),
    costPerConversionVsNaive: ratio(r.dialwise.costPerConversion, r.naive.costPerConversion),
  };
}
