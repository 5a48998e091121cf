import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackPost {
  at: string;
  text: string;
}

/**
 * A stand-in for Slack's incoming webhook on loopback, for the demo and the
 * twin's runs where no real workspace is configured: it takes the posts,
 * keeps the last 200 (listed by `GET /`) and hands each to `onPost`.
 */
export async function startSlackReceiver(onPost: (p: SlackPost) => void = () => {}): Promise<{
  url: string;
  posts: SlackPost[];
  stop(): Promise<void>;
}> {
  const posts: SlackPost[] = [];
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(posts));
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (body.length < 64 * 1024) body += chunk;
    });
    req.on('end', () => {
      let text = body;
      try {
        text = String((JSON.parse(body) as { text?: unknown }).text ?? body);
      } catch {
        // Not JSON: kept as sent.
      }
      const post = { at: new Date().toISOString(), text };
      posts.push(post);
      if (posts.length > 200) posts.shift();
      onPost(post);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    posts,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
