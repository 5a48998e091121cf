// Who is signed in, experiments and model versions.
import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type {
  ExperimentsQuery,
  ExperimentsQueryVariables,
  MeQuery,
  MeQueryVariables,
  ModelsQuery,
  ModelsQueryVariables,
} from './graphql-types.js';

export type Principal = MeQuery['me'];
export type Experiment = ExperimentsQuery['experiments'][number];
export type VariantStats = Experiment['variants'][number];
export type ModelVersion = ModelsQuery['models'][number];

export const ME_QUERY: TypedDocumentNode<MeQuery, MeQueryVariables> = gql`
  query Me {
    me {
      name
      role
    }
  }
`;

export const EXPERIMENTS_QUERY: TypedDocumentNode<ExperimentsQuery, ExperimentsQueryVariables> =
  gql`
    query Experiments($from: DateTime, $to: DateTime) {
      experiments(from: $from, to: $to) {
        id
        source
        node
        segment
        trials
        leader
        variants {
          variant
          trials
          conversions
          rate
          pBest
          uplift
          upliftLo95
          upliftHi95
          stopped
        }
      }
    }
  `;

export const MODELS_QUERY: TypedDocumentNode<ModelsQuery, ModelsQueryVariables> = gql`
  query Models {
    models {
      model
      version
      created
      aliases
      served
      parent
      dataSha256
      metrics {
        key
        value
      }
      mlflowRunUrl
    }
  }
`;
