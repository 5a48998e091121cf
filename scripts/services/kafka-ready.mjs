#!/usr/bin/env node
// Readiness probe for the local Kafka broker, used by scripts/services/kafka.sh.
//
//   node scripts/services/kafka-ready.mjs [host:port] [timeoutSeconds]
//
// Dependency-free on purpose (it runs before/while `npm ci` installs
// node_modules): it speaks the Kafka wire protocol directly and sends a
// Metadata v4 request (v4 is supported by Kafka 3.x and 4.x; 4.0 dropped
// v0-v3). The broker only answers once its socket server is up and it has
// registered with the KRaft controller, and we additionally require that the
// answer lists at least one broker and a known controller.
// Exit 0 when ready (prints a one-line summary), 1 on timeout.
/* global Buffer, setTimeout */
import net from 'node:net';

const target = process.argv[2] ?? '127.0.0.1:9092';
const timeoutS = Number(process.argv[3] ?? 60);
const sep = target.lastIndexOf(':');
const host = target.slice(0, sep);
const port = Number(target.slice(sep + 1));

function metadataRequest(correlationId) {
  const clientId = Buffer.from('dialwise-ready');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
  let o = 0;
  o = body.writeInt16BE(3, o); // api_key = Metadata
  o = body.writeInt16BE(4, o); // api_version = 4
  o = body.writeInt32BE(correlationId, o);
  o = body.writeInt16BE(clientId.length, o);
  o += clientId.copy(body, o);
  o = body.writeInt32BE(-1, o); // topics = null -> all topics
  body.writeInt8(0, o); // allow_auto_topic_creation = false
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function parseMetadataV4(buf, correlationId) {
  let o = 0;
  const int16 = () => ((o += 2), buf.readInt16BE(o - 2));
  const int32 = () => ((o += 4), buf.readInt32BE(o - 4));
  const str = () => {
    const n = int16();
    if (n < 0) return null;
    o += n;
    return buf.toString('utf8', o - n, o);
  };
  if (int32() !== correlationId) throw new Error('correlation id mismatch');
  int32(); // throttle_time_ms
  const brokers = [];
  for (let i = int32(); i > 0; i--) {
    const id = int32();
    const h = str();
    const p = int32();
    str(); // rack
    brokers.push(`${id}@${h}:${p}`);
  }
  const clusterId = str();
  const controllerId = int32();
  return { brokers, clusterId, controllerId };
}

function probe() {
  return new Promise((resolve, reject) => {
    const correlationId = 42;
    const sock = net.connect({ host, port });
    let chunks = Buffer.alloc(0);
    const fail = (err) => {
      sock.destroy();
      reject(err);
    };
    sock.setTimeout(5000, () => fail(new Error('timeout waiting for metadata response')));
    sock.on('error', fail);
    sock.on('connect', () => sock.write(metadataRequest(correlationId)));
    sock.on('close', () => reject(new Error('connection closed by broker')));
    sock.on('data', (d) => {
      chunks = Buffer.concat([chunks, d]);
      if (chunks.length < 4) return;
      const size = chunks.readInt32BE(0);
      if (chunks.length < 4 + size) return;
      try {
        const md = parseMetadataV4(chunks.subarray(4, 4 + size), correlationId);
        sock.end();
        resolve(md);
      } catch (e) {
        fail(e);
      }
    });
  });
}

const deadline = Date.now() + timeoutS * 1000;
let last = 'no attempt';
while (Date.now() < deadline) {
  try {
    const md = await probe();
    if (md.brokers.length > 0 && md.controllerId >= 0) {
      console.log(
        `kafka ready at ${target}: cluster=${md.clusterId} brokers=${md.brokers.join(',')} controller=${md.controllerId}`,
      );
      process.exit(0);
    }
    last = `metadata not ready yet (brokers=${md.brokers.length}, controller=${md.controllerId})`;
  } catch (e) {
    last = e.message;
  }
  await new Promise((r) => setTimeout(r, 500));
}
console.error(`kafka not ready at ${target} after ${timeoutS}s: ${last}`);
process.exit(1);
