#!/usr/bin/env bash
# Local MLflow tracking server (sqlite backend + proxied artifact store), no Docker.
#
#   scripts/services/mlflow.sh start|stop|status|restart
#
# VERSION CHOICE: mlflow 3.17.2, the latest 3.x that installs (checked 2026-11-25).
#   `pip index versions mlflow` lists 3.18.0, but `pip install mlflow==3.18.0`
#   fails with "No matching distribution found for mlflow-skinny==3.18.0"
#   (mlflow-skinny/mlflow-tracing stop at 3.17.2 on the index). Bump once they exist.
#
# Environment:
#   MLFLOW_VERSION          pinned default below
#   MLFLOW_PORT             default 5000 (bound to 127.0.0.1 only)
#   MLFLOW_WORKERS          uvicorn workers, default 1 (2-core machines; sqlite)
#   MLFLOW_PYTHON           interpreter for the venv, default python3 (>= 3.10)
#   MLFLOW_START_TIMEOUT    seconds to wait for /health (default 120)
#   DIALWISE_SERVICES_DIR   default <repo>/.services
# Layout: .services/mlflow/{venv/,mlflow.db,artifacts/,mlflow.log,mlflow.pid}
#
# Clients: MLFLOW_TRACKING_URI=http://127.0.0.1:5000. New experiments get
# artifact_location "mlflow-artifacts:/<experiment_id>", which clients map to
#   PUT/GET http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/<experiment_id>/<run_id>/artifacts/<path>
# (files land in .services/mlflow/artifacts/<experiment_id>/<run_id>/artifacts/<path>).
set -euo pipefail

MLFLOW_VERSION="${MLFLOW_VERSION:-3.17.2}"
MLFLOW_PORT="${MLFLOW_PORT:-5000}"
MLFLOW_WORKERS="${MLFLOW_WORKERS:-1}"
MLFLOW_PYTHON="${MLFLOW_PYTHON:-python3}"
MLFLOW_START_TIMEOUT="${MLFLOW_START_TIMEOUT:-120}"
SERVICE=mlflow
PROC_PATTERN='mlflow'
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MDIR="$SERVICES_DIR/mlflow"
VENV="$MDIR/venv"
DB="$MDIR/mlflow.db"
ARTIFACTS="$MDIR/artifacts"
LOG="$MDIR/mlflow.log"
PIDFILE="$MDIR/mlflow.pid"
URL="http://$HOST:$MLFLOW_PORT"

healthy() { curl -fsS -m 3 -o /dev/null "$URL/health" 2>/dev/null; }

install_venv() {
  if [[ -x "$VENV/bin/mlflow" && -f "$VENV/.mlflow-version" &&
    "$(cat "$VENV/.mlflow-version")" == "$MLFLOW_VERSION" ]]; then
    return 0
  fi
  command -v "$MLFLOW_PYTHON" >/dev/null || die "$MLFLOW_PYTHON not found"
  "$MLFLOW_PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
    die "MLflow $MLFLOW_VERSION needs Python >= 3.10 ($MLFLOW_PYTHON is $("$MLFLOW_PYTHON" --version 2>&1))"
  local t0=$SECONDS
  say "installing mlflow==$MLFLOW_VERSION into $VENV (one-off, ~1 min) ..."
  if [[ ! -x "$VENV/bin/python" ]]; then
    rm -rf "$VENV"
    "$MLFLOW_PYTHON" -m venv "$VENV" || die "could not create venv (Debian: apt-get install python3-venv)"
  fi
  if ! "$VENV/bin/python" -m pip install --disable-pip-version-check -q "mlflow==$MLFLOW_VERSION" \
    </dev/null >"$MDIR/pip.log" 2>&1; then
    tail -n 40 "$MDIR/pip.log" >&2
    die "pip install mlflow==$MLFLOW_VERSION failed (full output: $MDIR/pip.log)"
  fi
  echo "$MLFLOW_VERSION" >"$VENV/.mlflow-version"
  say "installed mlflow $("$VENV/bin/mlflow" --version | awk '{print $NF}') in $((SECONDS - t0))s"
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + MLFLOW_START_TIMEOUT))
  until healthy; do
    if ! alive "$pid"; then
      log_tail
      die "mlflow server (pid $pid) exited during startup (see $LOG)"
    fi
    if ((SECONDS >= deadline)); then
      log_tail
      die "mlflow server did not answer $URL/health within ${MLFLOW_START_TIMEOUT}s (see $LOG)"
    fi
    sleep 0.5
  done
}

cmd_start() {
  local pid t0=$SECONDS
  mkdir -p "$MDIR" "$ARTIFACTS"
  command -v curl >/dev/null || die "curl not found (used for the health check)"
  if pid="$(running_pid)"; then
    say "already running (pid $pid)"
    wait_ready "$pid"
    return 0
  fi
  if port_open "$MLFLOW_PORT"; then
    die "$HOST:$MLFLOW_PORT is already in use by another process (not started by this script)"
  fi
  install_venv
  say "starting MLflow $MLFLOW_VERSION on $URL (log: $LOG)"
  echo "===== $(date -Is) starting MLflow $MLFLOW_VERSION =====" >>"$LOG"
  local launcher=()
  command -v setsid >/dev/null && launcher=(setsid)
  # - security middleware (MLflow >= 3.5): the defaults already accept Host
  #   127.0.0.1:* / localhost:* and Origin http://127.0.0.1:* / http://localhost:*;
  #   they are spelled out here so the contract is visible.
  # - job execution (huey consumer processes for GenAI jobs) and telemetry are off:
  #   not needed, and they cost CPU / try to reach the internet.
  # setsid makes the server its own process-group leader, so stop can signal
  # the whole group (mlflow -> uvicorn -> workers).
  MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true \
    PYTHONUNBUFFERED=1 \
    nohup "${launcher[@]}" "$VENV/bin/mlflow" server \
    --host "$HOST" --port "$MLFLOW_PORT" --workers "$MLFLOW_WORKERS" \
    --backend-store-uri "sqlite:///$DB" \
    --serve-artifacts --artifacts-destination "$ARTIFACTS" \
    --allowed-hosts "127.0.0.1,127.0.0.1:*,localhost,localhost:*" \
    --cors-allowed-origins "http://127.0.0.1:*,http://localhost:*" \
    </dev/null >>"$LOG" 2>&1 &
  pid=$!
  echo "$pid" >"$PIDFILE"
  wait_ready "$pid"
  say "started (pid $pid) in $((SECONDS - t0))s: $URL"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    say "not running"
    rm -f "$PIDFILE"
    return 0
  fi
  say "stopping (pid $pid)"
  # Signal the process group when the server leads its own (setsid), else the pid.
  local target="$pid"
  [[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" == "$pid" ]] && target="-$pid"
  kill -TERM -- "$target" 2>/dev/null || true
  # Wait for the server and, when it leads a group, its uvicorn workers.
  group_alive() {
    alive "$pid" && return 0
    # shellcheck disable=SC2009 # by process-group id, skipping zombies
    [[ "$target" == -* ]] && ps -o stat= -g "$pid" 2>/dev/null | grep -qv '^Z'
  }
  local i
  for ((i = 0; i < 40; i++)); do
    group_alive || break
    sleep 0.5
  done
  if group_alive; then
    say "still alive after 20s, sending SIGKILL"
    kill -KILL -- "$target" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$PIDFILE"
  say "stopped"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    if healthy; then
      say "running (pid $pid, MLflow $(cat "$VENV/.mlflow-version" 2>/dev/null || echo '?'), $URL healthy)"
      return 0
    fi
    say "process running (pid $pid) but $URL/health is not answering"
    return 1
  fi
  say "not running"
  return 3
}

service_main "$@"
