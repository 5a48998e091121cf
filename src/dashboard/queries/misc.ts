// Who is signed in, experiments and model versions.
import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type { Experiment, ModelVersion, Principal } from '../types.js';

export const ME_QUERY: TypedDocumentNode<{ me: Principal }, Record<string, never>> = gql`
  query Me {
    me {
      name
      role
    }
  }
`;

export const EXPERIMENTS_QUERY: TypedDocumentNode<
  { experiments: Experiment[] },
  { from?: string | null; to?: string | null }
> = gql`
  query Experiments($from: String, $to: String) {
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

export const MODELS_QUERY: TypedDocumentNode<
  { models: ModelVersion[] },
  Record<string, never>
> = gql`
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
