import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for a webhook (Slack, the agent desktop): records what is
 * posted, answers from a script, and can go down (connections refused) and
 * come back on the same port.
 */
export interface Receiver {
  url: string;
  port: number;
  /** Every JSON body that arrived, whatever the answer. */
  bodies: unknown[];
  /** The bodies answered with a 2xx: what was delivered. */
  posts: unknown[];
  /** Answers from now on (after `statuses` runs out). */
  setReply(status: number): void;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(
  opts: { statuses?: number[]; headers?: Record<string, string>; port?: number } = {},
): Promise<Receiver> {
  const statuses = [...(opts.statuses ?? [])];
  const bodies: unknown[] = [];
  const posts: unknown[] = [];
  let reply = 200;
  const serve = (): Server =>
    createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (raw += c));
      req.on('end', () => {
        const body: unknown = JSON.parse(raw);
        bodies.push(body);
        const status = statuses.shift() ?? reply;
        if (status < 300) posts.push(body);
        res.writeHead(status, { 'content-type': 'text/plain', ...opts.headers });
        res.end(status < 300 ? 'ok' : 'nope');
      });
    });
  const listen = (s: Server, p: number) =>
    new Promise<void>((resolve) => s.listen(p, '127.0.0.1', resolve));
  const stop = (s: Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  let server = serve();
  await listen(server, opts.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  let listening = true;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    bodies,
    posts,
    setReply: (status) => void (reply = status),
    async down() {
      if (!listening) return;
      listening = false;
      await stop(server);
    },
    async up() {
      if (listening) return;
      server = serve();
      await listen(server, port);
      listening = true;
    },
    async close() {
      if (listening) await stop(server);
      listening = false;
    },
  };
}
