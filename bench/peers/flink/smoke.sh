#!/usr/bin/env bash
# Smoke test of the Flink peer: build if needed, export the terms, produce
# 1,000 simulated events (2% broken, 2% repeats) to a fresh prefix, run the
# job with --expect 1000, and check with DuckDB that profiles were written
# and that the counters add up to the events taken.
#
#   bench/peers/flink/smoke.sh            (Kafka at $KAFKA_BROKERS, default 127.0.0.1:9092)
#
# Needs Java 17, Maven (first build), Node 24 with the repo's node_modules,
# and a running broker (scripts/services/kafka.sh start). Exits nonzero on
# any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
brokers="${KAFKA_BROKERS:-127.0.0.1:9092}"
jar="$here/target/dialwise-flink-peer.jar"
events=1000
work="$(mktemp -d "${TMPDIR:-/tmp}/flink-peer-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT
prefix="flinkpeer-smoke-$(date +%s)-$RANDOM"

cd "$root"
if [[ ! -f "$jar" ]] || [[ -n "$(find "$here/src" "$here/pom.xml" -newer "$jar" -print -quit)" ]]; then
  echo "[smoke] building $jar" >&2
  mvn -B -q -f "$here/pom.xml" package -DskipTests >&2
fi

echo "[smoke] exporting the terms" >&2
npx tsx bench/peers/export-terms.ts "$work/terms.json" 2>/dev/null

echo "[smoke] producing $events events to $prefix.* at $brokers" >&2
npx tsx bench/peers/produce-events.ts --brokers "$brokers" --prefix "$prefix" --events "$events" \
  --invalid 0.02 --duplicates 0.02 2>/dev/null | tee "$work/produced.json" >&2

echo "[smoke] running the job" >&2
java -jar "$jar" --brokers "$brokers" --prefix "$prefix" --group "$prefix-g" \
  --duckdb "$work/out.duckdb" --terms "$work/terms.json" --expect "$events" --timeout-s 300 \
  >"$work/result.json" 2>"$work/job.log" || {
  echo "[smoke] FAIL: the job exited nonzero; its log:" >&2
  tail -40 "$work/job.log" >&2
  exit 1
}
cat "$work/result.json"

# The check reads the DuckDB file with Dialwise's own DuckDB (node-api), not with the peer.
cat >"$work/check.mjs" <<'EOF'
import { DuckDBInstance } from '@duckdb/node-api';
const [file, expected] = process.argv.slice(2);
const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
const c = await db.connect();
const one = async (sql) => Number((await c.runAndReadAll(sql)).getRows()[0][0]);
const profiles = await one('SELECT count(*) FROM profiles');
const withState = await one("SELECT count(*) FROM profiles WHERE json_type(state) = 'OBJECT' AND tags IS NOT NULL");
const turns = await one('SELECT count(*) FROM turns');
const taken = await one("SELECT sum(value) FROM ingest_counters WHERE name IN ('accepted', 'duplicates', 'dead_letters')");
const dead = await one('SELECT count(*) FROM dead_letters');
const deadCounter = await one("SELECT value FROM ingest_counters WHERE name = 'dead_letters'");
console.log(JSON.stringify({ profiles, withState, turns, taken, dead }));
const problems = [];
if (profiles <= 0) problems.push('no profiles');
if (withState !== profiles) problems.push('a profile without state or tags');
if (turns <= 0) problems.push('no turns');
if (taken !== Number(expected)) problems.push(`counters add up to ${taken}, not ${expected}`);
if (dead !== deadCounter) problems.push(`${dead} dead letters stored, the counter says ${deadCounter}`);
if (problems.length) {
  console.error(`[smoke] FAIL: ${problems.join('; ')}`);
  process.exit(1);
}
EOF
cp "$work/check.mjs" "$root/bench/peers/flink/.smoke-check.mjs"
trap 'rm -rf "$work" "$root/bench/peers/flink/.smoke-check.mjs"' EXIT
node "$root/bench/peers/flink/.smoke-check.mjs" "$work/out.duckdb" "$events"
echo "[smoke] OK" >&2
