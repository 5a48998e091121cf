import { gql, type TypedDocumentNode } from '@apollo/client';
import type { GenerationStatsQuery, GenerationStatsQueryVariables } from './graphql-types.js';

export type GenerationStats = GenerationStatsQuery['generationStats'];

export const GENERATION_STATS_QUERY: TypedDocumentNode<
  GenerationStatsQuery,
  GenerationStatsQueryVariables
> = gql`
  query GenerationStats($from: DateTime) {
    generationStats(from: $from) {
      calls
      asked
      spoken
      tokens
      tokensPerCall
      fallbacks {
        cause
        count
      }
    }
  }
`;
