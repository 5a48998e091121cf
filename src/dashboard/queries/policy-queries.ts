// A candidate script policy estimated on the decision log (off-policy evaluation).
import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type { PolicyEvaluationQuery, PolicyEvaluationQueryVariables } from './graphql-types.js';

export type PolicyEvaluation = PolicyEvaluationQuery['policyEvaluation'];

export const POLICY_EVALUATION_QUERY: TypedDocumentNode<
  PolicyEvaluationQuery,
  PolicyEvaluationQueryVariables
> = gql`
  query PolicyEvaluation($policy: String!, $from: DateTime!, $to: DateTime!) {
    policyEvaluation(policy: $policy, from: $from, to: $to) {
      policy
      node
      n
      level
      loggedPolicies
      loggedValue
      loggedLo
      loggedHi
      estimates {
        estimator
        value
        lo
        hi
      }
      ess
      support
    }
  }
`;
