/**
 * Load generator for bench/ingest.ts: simulated call traffic produced to
 * Kafka from its own process, at full speed (RATE=0) or at RATE events/s,
 * for SECONDS, or until EVENTS events (exactly) when given. Sends
 * {produced} to the parent when done.
 */
import { Kafka, logLevel, Partitioners, type TopicMessages } from 'kafkajs';
import { CallSimulator } from '../src/datasets/simulator.js';
import { topicFor } from '../src/pipelines/index.js';

const prefix = process.env.PREFIX!;
const seconds = Number(process.env.SECONDS);
const rate = Number(process.env.RATE);
/** Exactly this many events, however long it takes (0: as many as SECONDS allow). */
const limit = Number(process.env.EVENTS ?? 0);
const kafka = new Kafka({
  clientId: 'bench-load',
  brokers: process.env.KAFKA_BROKERS!.split(','),
  logLevel: logLevel.WARN,
});
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
const sim = new CallSimulator(3, 50_000);
let produced = 0;

/** Whole calls, at least n events; cut to `cap` events when given (the last batch of EVENTS). */
function batch(n: number, cap = Infinity): TopicMessages[] {
  const byTopic = new Map<string, { key: string; value: string }[]>();
  let made = 0;
  while (made < n) {
    for (const e of sim.nextCall(new Date())) {
      const t = topicFor(prefix, e);
      let list = byTopic.get(t);
      if (!list) byTopic.set(t, (list = []));
      list.push({ key: e.customer_id, value: JSON.stringify(e) });
      made++;
    }
  }
  let left = cap;
  return [...byTopic].map(([topic, messages]) => {
    const kept = messages.slice(0, Math.max(0, left));
    left -= kept.length;
    return { topic, messages: kept };
  });
}

const end = limit > 0 ? Infinity : Date.now() + seconds * 1000;
const inflight = new Set<Promise<unknown>>();
let queued = 0;
while (Date.now() < end && (limit === 0 || queued < limit)) {
  const tick = Date.now();
  const n = rate > 0 ? Math.max(1, Math.round(rate / 50)) : 4_000;
  const topicMessages = batch(n, limit > 0 ? limit - queued : Infinity);
  const count = topicMessages.reduce((s, t) => s + t.messages.length, 0);
  queued += count;
  const p = producer.sendBatch({ topicMessages, acks: 1 }).then(() => (produced += count));
  inflight.add(p);
  void p.finally(() => inflight.delete(p));
  if (inflight.size >= 4) await Promise.race(inflight);
  if (rate > 0) await new Promise((r) => setTimeout(r, Math.max(0, 20 - (Date.now() - tick))));
}
await Promise.all(inflight);
await producer.disconnect();
process.send!({ produced });
