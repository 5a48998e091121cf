/**
 * Live agent assist benchmark (issue 21: "within 1 s, measured"): the
 * dialer posts an agent's turn to POST /events; the platform, in its own
 * process as in production (`dialwise start`, the compiled build, default
 * commit interval), pushes a compliance warning to the agent desktop's
 * webhook, a local receiver here. Per turn: the time from the POST's start
 * to the warning's arrival, beside the POST's own answer (the baseline: how
 * long the dialer waits anyway). Turns go one every `--gap` ms, alternating
 * a forbidden promise and a clean line, so each warning is timed alone;
 * clean lines must send nothing.
 *
 *   npm run build && npx tsx bench/agent-assist.ts [--turns 400] [--gap 20]
 *
 * Prints a JSON result and writes it to bench/results/agent-assist.json.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startReceiver } from '../test/helpers/receiver.js';
import { startPlatformProcess } from './lib/platform-process.js';

const { values } = parseArgs({
  options: { turns: { type: 'string', default: '400' }, gap: { type: 'string', default: '20' } },
});
const TURNS = Number(values.turns);
const GAP_MS = Number(values.gap);

const PROMISES = ['这个产品保本保息，您放心', '年化收益保证百分之八', '稳赚不赔，零风险的'];
const CLEAN = ['我把合同发到您微信上', '您看什么时候方便再聊', '这款产品的风险等级是R3'];

const arrivals = new Map<number, number>();
const desk = await startReceiver();
const seen = desk.bodies;
const platform = await startPlatformProcess({
  name: 'agent-assist',
  env: { DIALWISE_SIM_RATE: '0', DIALWISE_HANDOFF_WEBHOOK_URL: desk.url },
});
const url = `http://127.0.0.1:${platform.port}`;

const post = (n: number, text: string) =>
  fetch(`${url}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      event_id: `bench-assist-${n}`,
      type: 'dialog.turn',
      ts: new Date().toISOString(),
      schema_version: 1,
      customer_id: `c-${n % 50}`,
      call_id: `call-${n % 50}`,
      turn: n,
      speaker: 'agent',
      text,
      asr_confidence: 0.9,
      agent_id: `agent-${n % 7}`,
    }),
  });

// Each arrival stamped as it lands, by the turn it warns of.
const watch = setInterval(() => {
  for (const b of seen.splice(0)) arrivals.set((b as { turn: number }).turn, performance.now());
}, 1);

const sentAt = new Map<number, number>();
const acks: number[] = [];
for (let n = 0; n < TURNS; n++) {
  const warned = n % 2 === 0;
  const text = (warned ? PROMISES : CLEAN)[n % 3]!;
  const t0 = performance.now();
  if (warned) sentAt.set(n, t0);
  const res = await post(n, text);
  acks.push(performance.now() - t0);
  if (res.status !== 202) throw new Error(`POST /events answered ${res.status}`);
  await new Promise((r) => setTimeout(r, GAP_MS));
}
await new Promise((r) => setTimeout(r, 2_000));
clearInterval(watch);
for (const b of seen.splice(0)) arrivals.set((b as { turn: number }).turn, performance.now());

const latencies = [...sentAt].map(([n, t0]) => (arrivals.get(n) ?? Infinity) - t0);
const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10;
};
const summary = (xs: number[]) => ({
  p50: q(xs, 0.5),
  p95: q(xs, 0.95),
  p99: q(xs, 0.99),
  max: q(xs, 1),
});
const result = {
  bench: 'agent-assist',
  machine: { cpus: cpus().length, node: process.version },
  route: 'POST /events (an agent turn) → compliance warning at the agent desktop webhook',
  turns: TURNS,
  gapMs: GAP_MS,
  warningsExpected: sentAt.size,
  warningsArrived: latencies.filter(Number.isFinite).length,
  unexpected: [...arrivals.keys()].filter((n) => n % 2 === 1).length,
  warningMs: summary(latencies),
  baselinePostAckMs: summary(acks),
  within1s: latencies.filter((ms) => ms < 1_000).length / latencies.length,
};
await platform.stop();
await desk.close();
console.log(JSON.stringify(result, null, 2));
writeFileSync(
  join(import.meta.dirname, 'results', 'agent-assist.json'),
  JSON.stringify(result, null, 2) + '\n',
);
