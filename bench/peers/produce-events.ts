/**
 * Produces simulated Dialwise events to Kafka, for a benchmark peer and
 * Dialwise to read the same topics:
 *
 *   npx tsx bench/peers/produce-events.ts --brokers 127.0.0.1:9092 --prefix P --events N \
 *     [--customers 50000] [--seed 7] [--invalid 0] [--duplicates 0]
 *
 * The events are the call simulator's (as bench/ingest.ts's simulatedEvents
 * makes them: one call every 50 ms of event time, from a day ago), written to
 * `<prefix>.calls|dialog|crm|web` keyed by customer_id through Dialwise's
 * KafkaBus, whose topics it creates first (the configured partition count,
 * 4 by default). `--invalid F` and `--duplicates F` replace that share of
 * the N events by broken ones (dead letters) and by repeats of an earlier
 * event of the same customer (dropped by the dedupe): N records in all.
 * Everything is generated before the clock starts; prints one JSON line.
 */
import { parseArgs } from 'node:util';
import type { OutMessage } from '../../src/core/bus/bus.js';
import { KafkaBus, type TopicMessages } from '../../src/core/bus/kafka.js';
import { loadConfig } from '../../src/core/config.js';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import { seeded, type Rng } from '../../src/core/rng.js';
import { CallSimulator } from '../../src/datasets/simulator.js';
import { eventMessages, topicFor, topicsOf } from '../../src/pipelines/topics.js';

const { values } = parseArgs({
  options: {
    brokers: { type: 'string', default: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' },
    prefix: { type: 'string' },
    events: { type: 'string' },
    customers: { type: 'string', default: '50000' },
    seed: { type: 'string', default: '7' },
    invalid: { type: 'string', default: '0' },
    duplicates: { type: 'string', default: '0' },
    chunk: { type: 'string', default: '20000' },
  },
});
if (!values.prefix || !values.events) {
  console.error(
    'usage: produce-events.ts --brokers HOST:PORT --prefix P --events N [--customers C] [--seed S] [--invalid F] [--duplicates F]',
  );
  process.exit(2);
}
const prefix = values.prefix;
const total = Number(values.events);
const seed = Number(values.seed);
const invalidShare = Number(values.invalid);
const duplicateShare = Number(values.duplicates);

/** The simulator's events, as bench/ingest.ts's simulatedEvents places them. */
function simulated(n: number): DialwiseEvent[] {
  const sim = new CallSimulator(seed, Number(values.customers));
  const start = Date.now() - 86_400_000;
  const out: DialwiseEvent[] = [];
  for (let i = 0; out.length < n; i++) out.push(...sim.nextCall(new Date(start + i * 50)));
  return out.slice(0, n);
}

/** A record the schema refuses, in one of several ways, keyed by the event's customer. */
function broken(e: DialwiseEvent, rng: Rng, i: number): string {
  const copy = structuredClone(e) as unknown as Record<string, unknown>;
  switch (Math.floor(rng() * 5)) {
    case 0:
      return JSON.stringify(e).slice(0, 40); // not JSON
    case 1:
      copy.type = 'call.exploded';
      break;
    case 2:
      delete copy.ts;
      break;
    case 3:
      copy.schema_version = 2;
      break;
    default:
      copy.unexpected = i;
  }
  return JSON.stringify(copy);
}

/** N records by topic: the events, some replaced by broken ones and by repeats. */
function records(): TopicMessages[] {
  const events = simulated(total);
  const rng = seeded(seed + 0xbad);
  const byTopic = new Map<string, OutMessage[]>();
  const lastOf = new Map<string, DialwiseEvent>();
  let invalid = 0;
  let duplicates = 0;
  events.forEach((e, i) => {
    const r = rng();
    const earlier = lastOf.get(e.customer_id);
    let event = e;
    let value: string | undefined;
    if (r < invalidShare) {
      value = broken(e, rng, i);
      invalid++;
    } else if (r < invalidShare + duplicateShare && earlier) {
      event = earlier; // the same record again (same id): the dedupe drops it
      duplicates++;
    }
    // Only an event sent intact is repeated later (a repeat of a broken one would be its first copy).
    if (value === undefined) lastOf.set(e.customer_id, event);
    if (value === undefined) {
      // Through Dialwise's own topic mapping and message shape.
      const [{ topic, messages }] = eventMessages(prefix, [event]) as [TopicMessages];
      push(byTopic, topic, messages[0] as OutMessage);
    } else push(byTopic, topicFor(prefix, e), { key: e.customer_id, value });
  });
  stats.invalid = invalid;
  stats.duplicates = duplicates;
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function push(m: Map<string, OutMessage[]>, topic: string, msg: OutMessage): void {
  let list = m.get(topic);
  if (!list) m.set(topic, (list = []));
  list.push(msg);
}

const stats = { invalid: 0, duplicates: 0 };
const config = loadConfig({ env: {} });
const bus = new KafkaBus({
  brokers: values.brokers.split(','),
  clientId: 'peer-producer',
  partitions: config.kafkaPartitions,
});
await bus.ensureTopics(topicsOf(prefix));
const all = records();
const chunk = Number(values.chunk);
const t0 = performance.now();
// Chunks of every topic in turn, so the topics fill side by side as a live feed would.
const longest = Math.max(...all.map((t) => t.messages.length));
for (let i = 0; i < longest; i += chunk)
  await bus.publishAll(
    all.map(({ topic, messages }) => ({ topic, messages: messages.slice(i, i + chunk) })),
  );
const seconds = (performance.now() - t0) / 1000;
await bus.close();
console.log(
  JSON.stringify({
    events: total,
    seconds: Math.round(seconds * 100) / 100,
    prefix,
    topics: Object.fromEntries(all.map((t) => [t.topic, t.messages.length])),
    partitions: config.kafkaPartitions,
    invalid: stats.invalid,
    duplicates: stats.duplicates,
  }),
);
process.exit(0);
