// Compliance review: flagged calls, transcripts, transcript search, consent,
// the calls the dialing rules refused or flagged.
// Compliance and admin roles only: other roles never send these.
import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type {
  CallTranscriptQuery,
  CallTranscriptQueryVariables,
  DialingViolationsQuery,
  DialingViolationsQueryVariables,
  FlaggedCallsQuery,
  FlaggedCallsQueryVariables,
  SetConsentMutation,
  SetConsentMutationVariables,
  TranscriptsQuery,
  TranscriptsQueryVariables,
} from './graphql-types.js';

export type FlaggedCallsData = FlaggedCallsQuery;
export type FlaggedCall = FlaggedCallsQuery['flaggedCalls']['calls'][number];
export type TranscriptsData = TranscriptsQuery;
export type TranscriptHit = TranscriptsQuery['transcripts']['hits'][number];
export type CallTranscript = NonNullable<CallTranscriptQuery['callTranscript']>;
export type Highlight = TranscriptHit['highlights'][number];
export type DialingViolation = DialingViolationsQuery['dialingViolations'][number];
export type RuleCount = DialingViolationsQuery['dialingViolationCounts'][number];
export type AgentWarningCount = DialingViolationsQuery['agentWarnings'][number];

export const FLAGGED_CALLS_QUERY: TypedDocumentNode<FlaggedCallsQuery, FlaggedCallsQueryVariables> =
  gql`
    query FlaggedCalls($from: DateTime, $minRisk: Float, $limit: Int, $after: Cursor) {
      flaggedCalls(from: $from, minRisk: $minRisk, limit: $limit, after: $after) {
        calls {
          callId
          customerId
          startedAt
          region
          productLine
          campaign
          scriptVersion
          handledBy
          outcome
          hits
          risk
          rules
        }
        nextCursor
        total
      }
    }
  `;

export const CALL_TRANSCRIPT_QUERY: TypedDocumentNode<
  CallTranscriptQuery,
  CallTranscriptQueryVariables
> = gql`
  query CallTranscript($callId: ID!) {
    callTranscript(callId: $callId) {
      callId
      customerId
      startedAt
      outcome
      transferredQueue
      turns {
        turn
        speaker
        text
        ts
        intent
        emotion
        offsetS
        highlights {
          start
          end
        }
      }
      decisions {
        ts
        state
        action
        reason
        blocked
        scriptVersion
      }
      recording {
        contentType
        bytes
        durationS
      }
      hits {
        turn
        speaker
        rule
        term
        start
        end
        ts
      }
    }
  }
`;

export const TRANSCRIPTS_QUERY: TypedDocumentNode<TranscriptsQuery, TranscriptsQueryVariables> =
  gql`
    query Transcripts(
      $text: SearchText!
      $speaker: Speaker
      $from: DateTime
      $limit: Int
      $after: Cursor
    ) {
      transcripts(text: $text, speaker: $speaker, from: $from, limit: $limit, after: $after) {
        hits {
          callId
          customerId
          turn
          speaker
          ts
          text
          highlights {
            start
            end
          }
        }
        nextCursor
        total
      }
    }
  `;

/** scope: a channel or all; purpose: marketing, service, or absent (both). Answers the ledger as it reads then. */
export const SET_CONSENT: TypedDocumentNode<SetConsentMutation, SetConsentMutationVariables> = gql`
  mutation SetConsent(
    $customerId: CustomerId!
    $scope: ConsentScope!
    $granted: Boolean!
    $purpose: Purpose
  ) {
    setConsent(customerId: $customerId, scope: $scope, granted: $granted, purpose: $purpose) {
      scope
      purpose
      state
      granted
      at
    }
  }
`;

/**
 * The latest violations since `from`, their counts by rule (the read is
 * audited), and the agents warned live of a forbidden promise, per agent.
 */
export const DIALING_VIOLATIONS_QUERY: TypedDocumentNode<
  DialingViolationsQuery,
  DialingViolationsQueryVariables
> = gql`
  query DialingViolations($from: DateTime, $limit: Int) {
    dialingViolations(from: $from, limit: $limit) {
      id
      ts
      callId
      customerId
      campaign
      rule
      detail
      mode
    }
    dialingViolationCounts(from: $from) {
      rule
      count
      refused
      flagged
    }
    agentWarnings(from: $from) {
      agent
      turns
      hits
      calls
    }
  }
`;
