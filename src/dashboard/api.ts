// The dashboard's only way to the server: Apollo Client over /graphql.
import {
  ApolloClient,
  CombinedGraphQLErrors,
  HttpLink,
  InMemoryCache,
  ServerError,
  gql,
} from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export type Dimension = 'REGION' | 'PRODUCT_LINE' | 'SCRIPT_VERSION' | 'CAMPAIGN' | 'HANDLED_BY';

export interface Principal {
  name: string;
  role: string;
}

export interface KpiRow {
  key: string;
  calls: number;
  answered: number;
  conversions: number;
  connectRate: number;
  conversionRate: number;
}

export interface Totals {
  calls: number;
  answered: number;
  conversions: number;
  conversionRate: number;
  eventsIngested: number;
  deadLetters: number;
}

export interface MeData {
  me: Principal;
}

export interface DashboardData {
  totals: Totals;
  kpis: KpiRow[];
}

export const ME_QUERY: TypedDocumentNode<MeData, Record<string, never>> = gql`
  query Me {
    me {
      name
      role
    }
  }
`;

export const DASHBOARD_QUERY: TypedDocumentNode<DashboardData, { by: Dimension }> = gql`
  query Dashboard($by: Dimension!) {
    totals {
      calls
      answered
      conversions
      conversionRate
      eventsIngested
      deadLetters
    }
    kpis(by: $by) {
      key
      calls
      answered
      conversions
      connectRate
      conversionRate
    }
  }
`;

export function createClient(apiKey: string): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: '/graphql', headers: { Authorization: `Bearer ${apiKey}` } }),
    cache: new InMemoryCache(),
  });
}

export type FailureKind = 'unauthenticated' | 'forbidden' | 'network';

/** Sorts an Apollo error into what the UI can act on (401, 403, anything else). */
export function classifyError(error: unknown): FailureKind {
  const codes = CombinedGraphQLErrors.is(error)
    ? error.errors.map((e) => e.extensions?.['code'])
    : [];
  const status = ServerError.is(error) ? error.statusCode : undefined;
  if (status === 401 || codes.includes('UNAUTHENTICATED')) return 'unauthenticated';
  if (status === 403 || codes.includes('FORBIDDEN')) return 'forbidden';
  return 'network';
}
