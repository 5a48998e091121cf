// The dashboard's only way to the server: Apollo Client over /graphql, with
// queries and mutations over plain HTTP and subscriptions over SSE.
import {
  ApolloClient,
  ApolloLink,
  CombinedGraphQLErrors,
  HttpLink,
  InMemoryCache,
  ServerError,
} from '@apollo/client';
import { OperationTypeNode } from 'graphql';
import { createSseLink } from './sse-link.js';

export function createClient(apiKey: string): ApolloClient {
  const headers = { Authorization: `Bearer ${apiKey}` };
  const http = new HttpLink({ uri: '/graphql', headers });
  const sse = createSseLink({ uri: '/graphql', headers });
  return new ApolloClient({
    link: ApolloLink.split((op) => op.operationType === OperationTypeNode.SUBSCRIPTION, sse, http),
    cache: new InMemoryCache(),
    // Views show what the server says now; nothing is served from the cache.
    defaultOptions: {
      query: { fetchPolicy: 'no-cache' },
      watchQuery: { fetchPolicy: 'no-cache' },
      mutate: { fetchPolicy: 'no-cache' },
    },
  });
}

export type FailureKind = 'unauthenticated' | 'forbidden' | 'invalid' | 'network';

const codesOf = (error: unknown): unknown[] =>
  CombinedGraphQLErrors.is(error) ? error.errors.map((e) => e.extensions?.['code']) : [];

/** Sorts an Apollo error into what the UI can act on (401, 403, a refused request, anything else). */
export function classifyError(error: unknown): FailureKind {
  const codes = codesOf(error);
  const status = ServerError.is(error) ? error.statusCode : undefined;
  if (status === 401 || codes.includes('UNAUTHENTICATED')) return 'unauthenticated';
  if (status === 403 || codes.includes('FORBIDDEN')) return 'forbidden';
  if (CombinedGraphQLErrors.is(error) || status === 400) return 'invalid';
  return 'network';
}

/** What to tell a person: the server's own words for a refused request. */
export function errorMessage(error: unknown): string {
  if (CombinedGraphQLErrors.is(error))
    return [...new Set(error.errors.map((e) => e.message))].join('; ');
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: { message?: string }[] };
      const messages = body.errors?.map((e) => e.message).filter(Boolean);
      if (messages?.length) return messages.join('; ');
    } catch {
      // Not JSON: fall back to the status.
    }
    return `The server answered HTTP ${error.statusCode}`;
  }
  return 'Cannot reach the server';
}
