// Script authoring: versions, drafts under review, the diff, a line checked as typed.
import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type {
  ApproveScriptsMutation,
  ApproveScriptsMutationVariables,
  ProposeScriptsMutation,
  ProposeScriptsMutationVariables,
  RejectScriptsMutation,
  RejectScriptsMutationVariables,
  RollBackScriptsMutation,
  RollBackScriptsMutationVariables,
  ScriptChangeFieldsFragment,
  ScriptDiffQuery,
  ScriptDiffQueryVariables,
  ScriptDraftFieldsFragment,
  ScriptLineCheckQuery,
  ScriptLineCheckQueryVariables,
  ScriptsQuery,
  ScriptsQueryVariables,
} from './graphql-types.js';

export type ScriptVersion = ScriptsQuery['scriptVersions'][number];
export type ScriptDraft = ScriptDraftFieldsFragment;
export type ScriptChange = ScriptChangeFieldsFragment;
export type LineHit = ScriptLineCheckQuery['scriptLineCheck'][number];

const CHANGE = gql`
  fragment ScriptChangeFields on ScriptChange {
    node
    variant
    field
    change
    before
    after
  }
`;

// The changes spelled out, not spread: a fragment within this one takes SCRIPTS_QUERY past
// the API's depth limit (6).
const DRAFT = gql`
  fragment ScriptDraftFields on ScriptDraft {
    id
    version
    baseVersion
    proposedBy
    proposedAt
    status
    reviewedBy
    reviewedAt
    reason
    changes {
      node
      variant
      field
      change
      before
      after
    }
  }
`;

/** The versions (with their libraries, the current one first) and the drafts. */
export const SCRIPTS_QUERY: TypedDocumentNode<ScriptsQuery, ScriptsQueryVariables> = gql`
  query Scripts {
    scriptVersions {
      version
      current
      library
    }
    scriptDrafts {
      ...ScriptDraftFields
    }
  }
  ${DRAFT}
`;

export const SCRIPT_DIFF_QUERY: TypedDocumentNode<ScriptDiffQuery, ScriptDiffQueryVariables> = gql`
  query ScriptDiff($from: String!, $to: String!) {
    scriptDiff(from: $from, to: $to) {
      ...ScriptChangeFields
    }
  }
  ${CHANGE}
`;

export const SCRIPT_LINE_CHECK: TypedDocumentNode<
  ScriptLineCheckQuery,
  ScriptLineCheckQueryVariables
> = gql`
  query ScriptLineCheck($text: String!) {
    scriptLineCheck(text: $text) {
      rule
      term
      start
      end
      sayInstead {
        zh
        en
      }
    }
  }
`;

export const PROPOSE_SCRIPTS: TypedDocumentNode<
  ProposeScriptsMutation,
  ProposeScriptsMutationVariables
> = gql`
  mutation ProposeScripts($library: String!) {
    proposeScripts(library: $library) {
      ...ScriptDraftFields
    }
  }
  ${DRAFT}
`;

export const APPROVE_SCRIPTS: TypedDocumentNode<
  ApproveScriptsMutation,
  ApproveScriptsMutationVariables
> = gql`
  mutation ApproveScripts($id: ID!) {
    approveScripts(id: $id) {
      id
      status
    }
  }
`;

export const REJECT_SCRIPTS: TypedDocumentNode<
  RejectScriptsMutation,
  RejectScriptsMutationVariables
> = gql`
  mutation RejectScripts($id: ID!, $reason: String!) {
    rejectScripts(id: $id, reason: $reason) {
      id
      status
    }
  }
`;

export const ROLL_BACK_SCRIPTS: TypedDocumentNode<
  RollBackScriptsMutation,
  RollBackScriptsMutationVariables
> = gql`
  mutation RollBackScripts($version: String!) {
    rollBackScripts(version: $version)
  }
`;
