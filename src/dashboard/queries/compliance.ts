// Compliance review: flagged calls, transcripts, transcript search, consent.
// Compliance and admin roles only: other roles never send these.
import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type { CallTranscript, Consent, FlaggedCall, TranscriptHit } from '../types.js';

export interface FlaggedCallsData {
  flaggedCalls: { calls: FlaggedCall[]; nextCursor: string | null; total: number | null };
}

export const FLAGGED_CALLS_QUERY: TypedDocumentNode<
  FlaggedCallsData,
  { from?: string | null; minRisk?: number | null; limit: number; after?: string | null }
> = gql`
  query FlaggedCalls($from: String, $minRisk: Float, $limit: Int, $after: String) {
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
  { callTranscript: CallTranscript | null },
  { callId: string }
> = gql`
  query CallTranscript($callId: ID!) {
    callTranscript(callId: $callId) {
      callId
      customerId
      turns {
        turn
        speaker
        text
        ts
        intent
        emotion
        highlights {
          start
          end
        }
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

export interface TranscriptsData {
  transcripts: { hits: TranscriptHit[]; nextCursor: string | null; total: number | null };
}

export const TRANSCRIPTS_QUERY: TypedDocumentNode<
  TranscriptsData,
  {
    text: string;
    speaker?: string | null;
    from?: string | null;
    limit: number;
    after?: string | null;
  }
> = gql`
  query Transcripts($text: String!, $speaker: String, $from: String, $limit: Int, $after: String) {
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

export const SET_CONSENT: TypedDocumentNode<
  { setConsent: Consent[] },
  { customerId: string; scope: string; granted: boolean }
> = gql`
  mutation SetConsent($customerId: ID!, $scope: String!, $granted: Boolean!) {
    setConsent(customerId: $customerId, scope: $scope, granted: $granted) {
      scope
      granted
    }
  }
`;
