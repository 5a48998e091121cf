// KPI documents: cards, trends, breakdowns and the filter options.
import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type {
  DimensionKeysQuery,
  DimensionKeysQueryVariables,
  KpiFragment,
  KpisLiveSubscription,
  KpisLiveSubscriptionVariables,
  KpisQuery,
  KpisQueryVariables,
  OverviewQuery,
  OverviewQueryVariables,
  TotalsLiveSubscription,
  TotalsLiveSubscriptionVariables,
  TouchesByChannelQuery,
  TouchesByChannelQueryVariables,
  TrendKpisFragment,
} from './graphql-types.js';
import { KPI_FRAGMENT, TREND_FRAGMENT } from './kpi-fragments.js';

export type { Bucket, Dimension, KpiWhere } from './graphql-types.js';
/** One group's KPIs (every KPI in the catalogue). */
export type KpiRow = KpiFragment;
export type TrendPoint = TrendKpisFragment;
export type BreakdownPoint = OverviewQuery['breakdown'][number];
export type OverviewData = OverviewQuery;
export type KpisData = KpisQuery;
export type TouchChannelRow = TouchesByChannelQuery['touchesByChannel'][number];

const KPI = gql(KPI_FRAGMENT);
const TREND = gql(TREND_FRAGMENT);

export const OVERVIEW_QUERY: TypedDocumentNode<OverviewQuery, OverviewQueryVariables> = gql`
  query Overview(
    $bucket: Bucket!
    $by: Dimension!
    $from: DateTime
    $to: DateTime
    $where: KpiWhere
  ) {
    cards: kpis(from: $from, to: $to, where: $where) {
      ...Kpi
    }
    trend: kpiTrend(bucket: $bucket, from: $from, to: $to, where: $where) {
      ...TrendKpis
    }
    breakdown: kpis(by: $by, from: $from, to: $to, where: $where) {
      key
      calls
      conversionRate
    }
  }
  ${KPI}
  ${TREND}
`;

/** The KPIs now, then again after each commit (SSE). */
export const KPIS_LIVE: TypedDocumentNode<KpisLiveSubscription, KpisLiveSubscriptionVariables> =
  gql`
    subscription KpisLive($by: Dimension, $from: DateTime, $to: DateTime, $where: KpiWhere) {
      kpis(by: $by, from: $from, to: $to, where: $where) {
        ...Kpi
      }
    }
    ${KPI}
  `;

export const KPIS_QUERY: TypedDocumentNode<KpisQuery, KpisQueryVariables> = gql`
  query Kpis($by: Dimension, $from: DateTime, $to: DateTime, $where: KpiWhere) {
    kpis(by: $by, from: $from, to: $to, where: $where) {
      ...Kpi
    }
  }
  ${KPI}
`;

/** Every value a dimension takes (over all calls): one filter's options. */
export const DIMENSION_KEYS_QUERY: TypedDocumentNode<
  DimensionKeysQuery,
  DimensionKeysQueryVariables
> = gql`
  query DimensionKeys($by: Dimension!) {
    kpis(by: $by) {
      key
    }
  }
`;

/** Any new data committed: the signal views without a live query of their own refresh on. */
export const TOTALS_LIVE: TypedDocumentNode<
  TotalsLiveSubscription,
  TotalsLiveSubscriptionVariables
> = gql`
  subscription TotalsLive {
    totals {
      calls
      eventsIngested
    }
  }
`;

/** Touches sent per channel in [from, to), and of those delivered, replied to and opted out. */
export const TOUCHES_QUERY: TypedDocumentNode<
  TouchesByChannelQuery,
  TouchesByChannelQueryVariables
> = gql`
  query TouchesByChannel($from: DateTime!, $to: DateTime, $campaign: String) {
    touchesByChannel(from: $from, to: $to, campaign: $campaign) {
      channel
      sent
      delivered
      deliveryRate
      replied
      replyRate
      optOuts
    }
  }
`;
