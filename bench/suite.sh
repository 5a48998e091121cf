#!/usr/bin/env bash
# Times the steps of the test suite of one or more checkouts, one after the
# other, on this machine: `bash bench/suite.sh OUT.json DIR [DIR...]`.
# A checkout with a `check` script (this one) is timed as npm test runs it
# (check = lint beside typecheck, then the build; unit tests; tests against
# services); an older one step by step (lint, typecheck, build, vitest run).
# Needs Kafka and MLflow up (KAFKA_BROKERS, MLFLOW_TRACKING_URI) and a quiet
# machine; each checkout needs its own `npm ci`.
set -uo pipefail
out="$1"
shift
export NO_COLOR=1 DIALWISE_REQUIRE_SERVICES=1 CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export DIALWISE_DATASETS_DIR="${DIALWISE_DATASETS_DIR:-$(cd "$(dirname "$0")/../../shared/datasets" && pwd)}"

# step DIR NAME CMD... : prints "NAME": {"s": seconds, "rc": exit code}
step() {
  local dir="$1" name="$2" t0 rc
  shift 2
  t0=$(date +%s.%N)
  (cd "$dir" && "$@" >/dev/null 2>&1)
  rc=$?
  printf '"%s": {"s": %.1f, "rc": %d}' "$name" "$(echo "$(date +%s.%N) - $t0" | bc)" "$rc"
}

{
  echo "{"
  first=1
  for dir in "$@"; do
    ((first)) || echo ","
    first=0
    printf '  "%s": {"commit": "%s", ' "$dir" "$(git -C "$dir" rev-parse --short HEAD)"
    if grep -q '"check":' "$dir/package.json"; then
      step "$dir" check npm run -s check
      printf ', '
      step "$dir" unit npm run -s test:unit
      printf ', '
      step "$dir" services npm run -s test:services
    else
      step "$dir" lint npm run -s lint
      printf ', '
      step "$dir" typecheck npm run -s typecheck
      printf ', '
      step "$dir" build npm run -s build
      printf ', '
      step "$dir" tests npx vitest run
    fi
    printf '}'
  done
  echo
  echo "}"
} | tee "$out"
