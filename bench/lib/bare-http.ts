/**
 * The floor a decision's server cost is compared with: a bare `node:http`
 * server in its own process that reads a JSON body, parses it and answers a
 * fixed JSON reply of the given size — HTTP and JSON, no decision. Run in
 * the same bench as the platform, so both are measured on the same machine
 * at the same time of day.
 */
import { spawn } from 'node:child_process';
import { cpuOf } from './platform-process.js';

const SERVER = `
const http = require('node:http');
const reply = Buffer.from(JSON.stringify({ text: 'x'.repeat(Number(process.argv[1])) }));
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString() || '{}');
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': reply.length });
    res.end(reply);
  });
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

export interface BareHttp {
  port: number;
  /** CPU seconds the process has used. */
  cpuSeconds(): number;
  stop(): void;
}

export function startBareHttp(replyBytes: number): Promise<BareHttp> {
  const child = spawn(process.execPath, ['-e', SERVER, String(replyBytes)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bare HTTP server exited with ${code}`)));
    child.stdout!.once('data', (d: Buffer) =>
      resolve({
        port: Number(d.toString().trim()),
        cpuSeconds: () => cpuOf(`/proc/${child.pid}/stat`),
        stop: () => void child.kill(),
      }),
    );
  });
}
