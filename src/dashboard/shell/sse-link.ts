// GraphQL subscriptions over server-sent events, the way graphql-yoga serves
// them: POST /graphql with `Accept: text/event-stream`, one `event: next`
// per result and `event: complete` at the end. Built on fetch and a
// ReadableStream rather than EventSource, which cannot send the
// `Authorization: Bearer` header.
import { ApolloLink } from '@apollo/client';
import { ServerError } from '@apollo/client/errors';
import { print } from '@apollo/client/utilities';
import { Observable } from 'rxjs';

export interface SseLinkOptions {
  uri: string;
  headers: Record<string, string>;
}

interface SseEvent {
  event: string;
  data: string;
}

/** Splits an SSE byte stream into events (comments and keep-alives dropped). */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const name = colon < 0 ? line : line.slice(0, colon);
          const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (name === 'event') event = val;
          else if (name === 'data') data.push(val);
        }
        if (data.length > 0) yield { event, data: data.join('\n') };
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

export function createSseLink(opts: SseLinkOptions): ApolloLink {
  return new ApolloLink(
    (operation) =>
      new Observable<ApolloLink.Result>((observer) => {
        const abort = new AbortController();
        const run = async (): Promise<void> => {
          const response = await fetch(opts.uri, {
            method: 'POST',
            headers: {
              ...opts.headers,
              'content-type': 'application/json',
              accept: 'text/event-stream',
            },
            body: JSON.stringify({
              query: print(operation.query),
              variables: operation.variables,
              operationName: operation.operationName,
            }),
            signal: abort.signal,
          });
          const type = response.headers.get('content-type') ?? '';
          if (!response.ok || !response.body || !type.includes('text/event-stream')) {
            const bodyText = await response.text();
            // A refused subscription answers plain JSON: pass its errors on as a result.
            if (response.ok && type.includes('json')) {
              observer.next(JSON.parse(bodyText) as ApolloLink.Result);
              observer.complete();
              return;
            }
            throw new ServerError(`subscription refused: HTTP ${response.status}`, {
              response,
              bodyText,
            });
          }
          for await (const { event, data } of readEvents(response.body)) {
            if (event === 'complete') {
              observer.complete();
              return;
            }
            if (event === 'next' || event === 'message')
              observer.next(JSON.parse(data) as ApolloLink.Result);
          }
          // The server went away without completing: let the caller reconnect.
          throw new Error('the live stream closed');
        };
        run().catch((err: unknown) => {
          if (!abort.signal.aborted) observer.error(err);
        });
        return () => abort.abort();
      }),
  );
}
