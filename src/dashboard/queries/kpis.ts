// KPI documents: cards, trends, breakdowns and the filter options.
import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type { Bucket, Dimension, KpiRow, KpiWhere } from '../types.js';

const KPI = gql`
  fragment Kpi on KpiRow {
    key
    calls
    answered
    conversions
    complaints
    transfers
    abandoned
    connectRate
    conversionRate
    complaintRate
    transferRate
    abandonRate
    avgTalkSeconds
    contactsPerCustomer
    customersSampled
    costPerConversion
  }
`;

export interface RangeVars {
  from?: string | null;
  to?: string | null;
  where?: KpiWhere | null;
}

export type TrendPoint = Pick<
  KpiRow,
  | 'at'
  | 'calls'
  | 'answered'
  | 'conversions'
  | 'connectRate'
  | 'conversionRate'
  | 'transferRate'
  | 'complaintRate'
  | 'abandonRate'
>;
export type BreakdownPoint = Pick<KpiRow, 'key' | 'calls' | 'conversionRate'>;

export interface OverviewData {
  cards: KpiRow[];
  trend: TrendPoint[];
  breakdown: BreakdownPoint[];
}

export const OVERVIEW_QUERY: TypedDocumentNode<
  OverviewData,
  RangeVars & { bucket: Bucket; by: Dimension }
> = gql`
  query Overview($bucket: Bucket!, $by: Dimension!, $from: String, $to: String, $where: KpiWhere) {
    cards: kpis(from: $from, to: $to, where: $where) {
      ...Kpi
    }
    trend: kpiTrend(bucket: $bucket, from: $from, to: $to, where: $where) {
      at
      calls
      answered
      conversions
      connectRate
      conversionRate
      transferRate
      complaintRate
      abandonRate
    }
    breakdown: kpis(by: $by, from: $from, to: $to, where: $where) {
      key
      calls
      conversionRate
    }
  }
  ${KPI}
`;

export interface KpisData {
  kpis: KpiRow[];
}

/** The KPIs now, then again after each commit (SSE). */
export const KPIS_LIVE: TypedDocumentNode<KpisData, RangeVars & { by?: Dimension | null }> = gql`
  subscription KpisLive($by: Dimension, $from: String, $to: String, $where: KpiWhere) {
    kpis(by: $by, from: $from, to: $to, where: $where) {
      ...Kpi
    }
  }
  ${KPI}
`;

export const KPIS_QUERY: TypedDocumentNode<KpisData, RangeVars & { by?: Dimension | null }> = gql`
  query Kpis($by: Dimension, $from: String, $to: String, $where: KpiWhere) {
    kpis(by: $by, from: $from, to: $to, where: $where) {
      ...Kpi
    }
  }
  ${KPI}
`;

/** Every value a dimension takes (over all calls): one filter's options. */
export const DIMENSION_KEYS_QUERY: TypedDocumentNode<
  { kpis: { key: string }[] },
  { by: Dimension }
> = gql`
  query DimensionKeys($by: Dimension!) {
    kpis(by: $by) {
      key
    }
  }
`;

export interface TotalsSignal {
  totals: { calls: number; eventsIngested: number };
}

/** Any new data committed: the signal views without a live query of their own refresh on. */
export const TOTALS_LIVE: TypedDocumentNode<TotalsSignal, Record<string, never>> = gql`
  subscription TotalsLive {
    totals {
      calls
      eventsIngested
    }
  }
`;
