import { systemClock, type Clock } from '../../core/clock.js';
import type { Health, Problem } from '../../core/health.js';
import type { Logger } from '../../core/log.js';
import { sendWithRetry, type SendOptions } from './slack-webhook.js';

export interface HealthAlertOptions {
  slackWebhookUrl?: string | undefined;
  /** A failure shorter than this stays out of Slack (it is still logged and in /health). */
  graceMs: number;
  logger: Logger;
  /** 1 while a component is healthy, 0 while it fails. */
  gauge?: (component: string, up: boolean) => void;
  dashboardUrl: () => string;
  /** Retries of each post; its clock is `clock` unless it names its own. */
  send?: SendOptions;
  /** The round timer and the failures' age; the system clock unless injected. */
  clock?: Clock;
}

const text = (p: Problem, now: number) =>
  `:rotating_light: Dialwise ${p.component} is failing (for ${Math.round((now - p.since) / 1000)} s): ${p.reason}`;

/**
 * Tells the operator when a part of the platform fails and when it is back:
 * a log line and the gauge at once, Slack once the failure has lasted
 * `graceMs`, and a recovery notice for every failure Slack heard of. The
 * messages wait in memory, not in DuckDB, which may be what is failing;
 * undelivered ones are tried again every `graceMs`.
 */
export function watchHealth(health: Health, opts: HealthAlertOptions): { stop(): void } {
  const clock = opts.clock ?? systemClock;
  const send: SendOptions = { clock, ...opts.send };
  const told = new Set<string>();
  const outbox: string[] = [];
  let sending = false;
  const deliver = async () => {
    if (sending || !opts.slackWebhookUrl) return;
    sending = true;
    try {
      while (outbox.length) {
        const r = await sendWithRetry(
          opts.slackWebhookUrl,
          { text: `${outbox[0]!} (${opts.dashboardUrl()}/health)` },
          send,
        );
        if (!r.ok) break;
        outbox.shift();
      }
    } finally {
      sending = false;
    }
  };
  health.onChange((component, problem) => {
    opts.gauge?.(component, !problem);
    if (problem) opts.logger.log('error', 'component failing', { ...problem });
    else {
      opts.logger.log('info', 'component recovered', { component });
      if (told.delete(component)) {
        outbox.push(`:white_check_mark: Dialwise ${component} has recovered`);
        void deliver();
      }
    }
  });
  const stop = clock.every(Math.min(opts.graceMs, 5_000), () => {
    const now = clock.now();
    for (const p of health.list())
      if (!told.has(p.component) && now - p.since >= opts.graceMs) {
        told.add(p.component);
        outbox.push(text(p, now));
      }
    void deliver();
  });
  return { stop };
}
