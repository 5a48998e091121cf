# Shared by kafka.sh and mlflow.sh. The sourcing script sets SERVICE (its
# name), LOG, PIDFILE and PROC_PATTERN (what its command line must contain)
# and defines cmd_start, cmd_stop and cmd_status.
# shellcheck shell=bash

HOST=127.0.0.1
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
SERVICES_DIR="${DIALWISE_SERVICES_DIR:-$ROOT/.services}"

say() { echo "[$SERVICE] $*"; }
die() {
  echo "[$SERVICE] ERROR: $*" >&2
  exit 1
}

log_tail() {
  if [[ -f "$LOG" ]]; then
    echo "----- last 60 lines of $LOG -----" >&2
    tail -n 60 "$LOG" >&2
    echo "----- end of $LOG -----" >&2
  fi
}

alive() {
  kill -0 "$1" 2>/dev/null && ! grep -qs '^State:[[:space:]]*Z' "/proc/$1/status"
}

running_pid() {
  local pid
  [[ -f "$PIDFILE" ]] || return 1
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] && alive "$pid" || return 1
  # Guard against pid reuse: it must be our own server.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$PROC_PATTERN" || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

service_main() {
  case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart)
      cmd_stop
      cmd_start
      ;;
    status) cmd_status ;;
    *)
      echo "usage: $0 start|stop|status|restart" >&2
      exit 2
      ;;
  esac
}
