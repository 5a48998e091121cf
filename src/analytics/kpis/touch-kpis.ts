import type { DuckDBValue } from '@duckdb/node-api';
import { CHANNELS } from '../../core/events/index.js';
import type { Store } from '../../core/store/store.js';
import { touchRow, type TouchRow, type TouchSums } from './kpi-catalogue.js';

/** Touches sent in [from, to) (ISO 8601), optionally of one campaign. */
export interface TouchFilter {
  from: string;
  to: string;
  campaign?: string | null | undefined;
  /** Only these campaigns (a campaign-scoped reader); absent: all. */
  campaigns?: readonly string[] | undefined;
}

/**
 * The touch KPIs per channel (the catalogue's TOUCH_KPIS), every channel in
 * order, zeros included. A cohort: the touches sent in the range (once per
 * customer, channel and touch id, whatever the number of touch.sent events),
 * and of those the ones delivered (a touch.delivered not marked failed),
 * replied to, and whose reply withdrew consent (a refusal in
 * consent_changes whose proof is the reply event), whenever that came.
 * Delivery and replies carry no campaign: the sent touch's campaign counts.
 *
 * Over `touches`, not `calls` (nor their hourly roll-up): a call placed is a
 * dial (the call KPIs); the call row here counts what a dialer posted as
 * touch.sent. Bounded by the caller (the API keeps the range within a year).
 */
export async function touchesByChannel(store: Store, f: TouchFilter): Promise<TouchRow[]> {
  const params: DuckDBValue[] = [f.from, f.to];
  const campaign = f.campaign ? 'AND campaign_id = ?' : '';
  if (f.campaign) params.push(f.campaign);
  // A campaign-scoped reader: only its campaigns' touches.
  const scope = f.campaigns
    ? `AND campaign_id IN (${f.campaigns.map(() => '?').join(', ') || 'NULL'})`
    : '';
  if (f.campaigns) params.push(...f.campaigns);
  params.push(f.from);
  const rows = await store.query<TouchSums & { channel: string }>(
    `WITH sent AS (
       SELECT DISTINCT customer_id, channel, touch_id FROM touches
       WHERE kind = 'sent' AND ts >= ?::TIMESTAMPTZ AND ts < ?::TIMESTAMPTZ ${campaign} ${scope}
     ),
     later AS (
       SELECT t.customer_id, t.channel, t.touch_id,
         bool_or(t.kind = 'delivered' AND t.delivered IS NOT FALSE) AS delivered,
         bool_or(t.kind = 'replied') AS replied,
         bool_or(c.event_id IS NOT NULL) AS opted_out
       FROM touches t
       SEMI JOIN sent s ON s.customer_id = t.customer_id AND s.channel = t.channel
         AND s.touch_id = t.touch_id
       LEFT JOIN consent_changes c ON t.kind = 'replied' AND c.evidence_event_id = t.event_id
         AND c.customer_id = t.customer_id AND NOT c.granted
       WHERE t.kind <> 'sent' AND t.ts >= ?::TIMESTAMPTZ
       GROUP BY ALL
     )
     SELECT s.channel, count(*)::DOUBLE AS sent,
       count(*) FILTER (WHERE a.delivered)::DOUBLE AS delivered,
       count(*) FILTER (WHERE a.replied)::DOUBLE AS replied,
       count(*) FILTER (WHERE a.opted_out)::DOUBLE AS optOuts
     FROM sent s LEFT JOIN later a USING (customer_id, channel, touch_id)
     GROUP BY s.channel`,
    params,
  );
  const by = new Map(rows.map((r) => [r.channel, r]));
  return CHANNELS.map((channel) => {
    const r = by.get(channel);
    return touchRow(channel, {
      sent: r?.sent ?? 0,
      delivered: r?.delivered ?? 0,
      replied: r?.replied ?? 0,
      optOuts: r?.optOuts ?? 0,
    });
  });
}
