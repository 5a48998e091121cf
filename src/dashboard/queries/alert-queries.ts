// Deviation alerts and their rules.
import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type {
  AcknowledgeAlertMutation,
  AcknowledgeAlertMutationVariables,
  AlertFieldsFragment,
  AlertRulesQuery,
  AlertRulesQueryVariables,
  AlertsLiveSubscription,
  AlertsLiveSubscriptionVariables,
  AlertsQuery,
  AlertsQueryVariables,
  RuleFieldsFragment,
  SaveAlertRuleMutation,
  SaveAlertRuleMutationVariables,
} from './graphql-types.js';

export type Alert = AlertFieldsFragment;
export type AlertRule = RuleFieldsFragment;
export type AlertsData = AlertsQuery;
export type AlertRuleInput = SaveAlertRuleMutationVariables['rule'];

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
    minZ
    enabled
  }
`;

export const ALERTS_QUERY: TypedDocumentNode<AlertsQuery, AlertsQueryVariables> = gql`
  query Alerts($status: AlertStatus, $limit: Int, $after: Cursor) {
    alerts(status: $status, limit: $limit, after: $after) {
      ...AlertFields
    }
  }
  ${ALERT}
`;

export const ALERTS_LIVE: TypedDocumentNode<
  AlertsLiveSubscription,
  AlertsLiveSubscriptionVariables
> = gql`
  subscription AlertsLive($status: AlertStatus, $limit: Int) {
    alerts(status: $status, limit: $limit) {
      ...AlertFields
    }
  }
  ${ALERT}
`;

/** Only what the view needs back: the list is loaded again right after. */
export const ACKNOWLEDGE_ALERT: TypedDocumentNode<
  AcknowledgeAlertMutation,
  AcknowledgeAlertMutationVariables
> = gql`
  mutation AcknowledgeAlert($ruleId: ID!, $key: String!) {
    acknowledgeAlert(ruleId: $ruleId, key: $key) {
      ruleId
      key
      status
    }
  }
`;

export const ALERT_RULES_QUERY: TypedDocumentNode<AlertRulesQuery, AlertRulesQueryVariables> = gql`
  query AlertRules {
    alertRules {
      ...RuleFields
    }
  }
  ${RULE}
`;

export const SAVE_ALERT_RULE: TypedDocumentNode<
  SaveAlertRuleMutation,
  SaveAlertRuleMutationVariables
> = gql`
  mutation SaveAlertRule($rule: AlertRuleInput!) {
    saveAlertRule(rule: $rule) {
      ...RuleFields
    }
  }
  ${RULE}
`;
