/**
 * A keep-alive HTTP/1.1 connection over a raw socket, one request at a
 * time: the load generators share 2 cores with the platform, so they write
 * requests as prepared bytes and read only the status, Server-Timing and
 * body. Used by bench/decide.ts and bench/outreach.ts, and under the
 * library's clients by bench/loop-realtime.ts (raw-fetch.ts).
 */
import { connect, type Socket } from 'node:net';

export interface Reply {
  status: number;
  /** The body as JSON (null when empty), and as text. */
  json: unknown;
  text: string;
  /** Server-Timing `decide;dur=` (the hot routes' own time), NaN when absent. */
  serverMs: number;
}

/** The bytes of one request: head and body, ready to write. */
export function requestBytes(
  method: 'GET' | 'POST',
  path: string,
  key: string | null,
  body?: unknown,
): Buffer {
  const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
  const head =
    `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n` +
    (key ? `authorization: Bearer ${key}\r\n` : '') +
    (data ? `content-type: application/json\r\ncontent-length: ${data.length}\r\n` : '') +
    '\r\n';
  return data ? Buffer.concat([Buffer.from(head), data]) : Buffer.from(head);
}

export class Conn {
  private socket: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((r: Reply) => void) | undefined;
  private failed: ((err: Error) => void) | undefined;

  constructor(
    private readonly port: number,
    private readonly key: string | null,
  ) {
    this.socket = this.open();
  }

  /** Whether a request is in flight on this connection. */
  get busy(): boolean {
    return this.waiting !== undefined;
  }

  /** A connection the server closed while idle is opened again for the next request. */
  private open(): Socket {
    const socket = connect(this.port, '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.parse();
    });
    socket.on('error', (err) => this.failed?.(err));
    socket.on('close', () => this.failed?.(new Error('connection closed')));
    return socket;
  }

  post(path: string, body: unknown): Promise<Reply> {
    return this.send(requestBytes('POST', path, this.key, body));
  }

  /** Writes a prepared request (requestBytes) and resolves with its reply. */
  send(bytes: Buffer): Promise<Reply> {
    if (this.socket.destroyed) {
      this.buf = Buffer.alloc(0);
      this.socket = this.open();
    }
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = (err) => {
        this.failed = undefined;
        this.waiting = undefined;
        reject(err);
      };
      this.socket.write(bytes);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(): void {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.subarray(0, end).toString('latin1');
    let body: Buffer;
    let rest: Buffer;
    if (/transfer-encoding: *chunked/i.test(head)) {
      // Chunked: size line, data, CRLF … until the zero-size chunk.
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const line = this.buf.indexOf('\r\n', at);
        if (line < 0) return;
        const size = parseInt(this.buf.subarray(at, line).toString('latin1'), 16);
        if (this.buf.length < line + 2 + size + 2) return;
        if (size === 0) {
          rest = this.buf.subarray(line + 4);
          break;
        }
        parts.push(this.buf.subarray(line + 2, line + 2 + size));
        at = line + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (this.buf.length < end + 4 + length) return;
      body = this.buf.subarray(end + 4, end + 4 + length);
      rest = this.buf.subarray(end + 4 + length);
    }
    this.buf = rest;
    const text = body.toString('utf8');
    const timing = /server-timing: *decide(?:-generated)?;dur=([\d.]+)/i.exec(head);
    const done = this.waiting;
    this.waiting = undefined;
    this.failed = undefined;
    // A reply nobody waits for (the server answering an idle connection as it closes it): dropped.
    if (!done) return;
    done({
      status: Number(head.slice(9, 12)),
      json: text ? JSON.parse(text) : null,
      text,
      serverMs: timing ? Number(timing[1]) : NaN,
    });
  }
}
