// Corrections: the calls an agent may open, a call's turns and corrections,
// the correction itself, and what the next retrain will learn from.
// Agent, compliance and admin roles only: other roles never send these.
import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type {
  CallsToCorrectQuery,
  CallsToCorrectQueryVariables,
  CorrectionCallQuery,
  CorrectionCallQueryVariables,
  NextRetrainCorrectionsQuery,
  NextRetrainCorrectionsQueryVariables,
  SubmitCorrectionMutation,
  SubmitCorrectionMutationVariables,
} from './graphql-types.js';

export type CallToCorrect = CallsToCorrectQuery['callsToCorrect'][number];
export type CorrectionCall = NonNullable<CorrectionCallQuery['correctionCall']>;
export type HeardTurn = CorrectionCall['turns'][number];
export type Correction = CorrectionCall['corrections'][number];
export type SlotValue = HeardTurn['slots'][number];
export type CorrectionVocabulary = CorrectionCallQuery['correctionVocabulary'];
export type RetrainCorrections = NextRetrainCorrectionsQuery['nextRetrainCorrections'];

export const CALLS_TO_CORRECT_QUERY: TypedDocumentNode<
  CallsToCorrectQuery,
  CallsToCorrectQueryVariables
> = gql`
  query CallsToCorrect($limit: Int) {
    callsToCorrect(limit: $limit) {
      callId
      startedAt
      campaign
      customerTurns
      corrections
    }
  }
`;

const CORRECTION_FIELDS = gql`
  fragment CorrectionFields on Correction {
    eventId
    callId
    turn
    submittedBy
    submittedAt
    originalText
    originalIntent
    originalSlots {
      name
      value
    }
    correctedText
    correctedIntent
    correctedSlots {
      name
      value
    }
  }
`;

export const CORRECTION_CALL_QUERY: TypedDocumentNode<
  CorrectionCallQuery,
  CorrectionCallQueryVariables
> = gql`
  query CorrectionCall($callId: ID!) {
    correctionVocabulary {
      intents
      slots
    }
    correctionCall(callId: $callId) {
      callId
      startedAt
      campaign
      turns {
        turn
        speaker
        text
        ts
        intent
        slots {
          name
          value
        }
      }
      corrections {
        ...CorrectionFields
      }
    }
  }
  ${CORRECTION_FIELDS}
`;

export const SUBMIT_CORRECTION: TypedDocumentNode<
  SubmitCorrectionMutation,
  SubmitCorrectionMutationVariables
> = gql`
  mutation SubmitCorrection(
    $callId: ID!
    $turn: Int!
    $text: String
    $intent: String
    $slots: [SlotInput!]
  ) {
    submitCorrection(callId: $callId, turn: $turn, text: $text, intent: $intent, slots: $slots) {
      ...CorrectionFields
    }
  }
  ${CORRECTION_FIELDS}
`;

export const NEXT_RETRAIN_QUERY: TypedDocumentNode<
  NextRetrainCorrectionsQuery,
  NextRetrainCorrectionsQueryVariables
> = gql`
  query NextRetrainCorrections($limit: Int) {
    nextRetrainCorrections(limit: $limit) {
      used
      skipped
      records {
        callId
        turn
        text
        label
        slots {
          name
          value
        }
        submittedBy
        submittedAt
      }
    }
  }
`;
