// Deviation alerts and their rules.
import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type { Alert, AlertRule } from '../types.js';

const ALERT = gql`
  fragment AlertFields on Alert {
    ruleId
    key
    status
    metric
    dimension
    value
    baseline
    deviation
    threshold
    firedAt
    updatedAt
    cursor
  }
`;

const RULE = gql`
  fragment RuleFields on AlertRule {
    id
    metric
    dimension
    threshold
    direction
    weeks
    cooldownMinutes
    minVolume
    enabled
  }
`;

export interface AlertsData {
  alerts: Alert[];
}
export interface AlertsVars {
  status?: string | null;
  limit?: number;
  after?: string | null;
}

export const ALERTS_QUERY: TypedDocumentNode<AlertsData, AlertsVars> = gql`
  query Alerts($status: String, $limit: Int, $after: String) {
    alerts(status: $status, limit: $limit, after: $after) {
      ...AlertFields
    }
  }
  ${ALERT}
`;

export const ALERTS_LIVE: TypedDocumentNode<AlertsData, Omit<AlertsVars, 'after'>> = gql`
  subscription AlertsLive($status: String, $limit: Int) {
    alerts(status: $status, limit: $limit) {
      ...AlertFields
    }
  }
  ${ALERT}
`;

/** Only what the view needs back: the list is loaded again right after. */
export const ACKNOWLEDGE_ALERT: TypedDocumentNode<
  { acknowledgeAlert: Pick<Alert, 'ruleId' | 'key' | 'status'> },
  { ruleId: string; key: string }
> = gql`
  mutation AcknowledgeAlert($ruleId: ID!, $key: String!) {
    acknowledgeAlert(ruleId: $ruleId, key: $key) {
      ruleId
      key
      status
    }
  }
`;

export const ALERT_RULES_QUERY: TypedDocumentNode<
  { alertRules: AlertRule[] },
  Record<string, never>
> = gql`
  query AlertRules {
    alertRules {
      ...RuleFields
    }
  }
  ${RULE}
`;

export type AlertRuleInput = Omit<AlertRule, 'threshold'> & { threshold: number | null };

export const SAVE_ALERT_RULE: TypedDocumentNode<
  { saveAlertRule: AlertRule },
  { rule: Partial<AlertRuleInput> & { id: string; metric: string } }
> = gql`
  mutation SaveAlertRule($rule: AlertRuleInput!) {
    saveAlertRule(rule: $rule) {
      ...RuleFields
    }
  }
  ${RULE}
`;
