/**
 * The fetch the library's clients take (`ClientOptions.fetch`), over a
 * pool of raw keep-alive connections (raw-http.ts): with undici's fetch
 * the load generator spent about 2.5 ms of CPU a turn on these 2 cores,
 * most of it in fetch — at 2,000 calls in flight more than a core taken
 * from the platform — and about 1.1 ms with this. Only what the clients
 * send and read: method, path, headers and a string body out; status and
 * body back (no Retry-After). A request whose signal aborts closes its
 * connection.
 *
 * The `connections` are opened at once, just before the load, and taken
 * in turn (first in, first out): opened later, during a stall, they would
 * overflow the server's accept queue and hang until reset; left idle at the
 * bottom of a stack, the server would close them after its keep-alive
 * timeout. More are opened only when all are busy.
 */
import { Conn } from './raw-http.js';

export function rawFetch(port: number, connections: number): typeof fetch {
  const idle = Array.from({ length: connections }, () => new Conn(port, null));
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = typeof init?.body === 'string' ? Buffer.from(init.body) : null;
    const headers = Object.entries((init?.headers ?? {}) as Record<string, string>)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    const head =
      `${init?.method ?? 'GET'} ${url.pathname}${url.search} HTTP/1.1\r\nhost: 127.0.0.1\r\n` +
      headers +
      (body ? `content-length: ${body.length}\r\n` : '') +
      '\r\n';
    const conn = idle.shift() ?? new Conn(port, null);
    init?.signal?.addEventListener('abort', () => conn.close(), { once: true });
    try {
      const r = await conn.send(
        body ? Buffer.concat([Buffer.from(head), body]) : Buffer.from(head),
      );
      const empty = r.status === 204 || r.text === '';
      return new Response(empty ? null : r.text, { status: r.status });
    } finally {
      // A closed connection opens again on its next request.
      idle.push(conn);
    }
  };
}
