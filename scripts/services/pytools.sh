#!/usr/bin/env bash
# Python tools the tests drive from outside, as a stranger's client would:
# Schemathesis (fuzzes /graphql from its schema) and pyarrow (reads the
# Arrow exports back). Not a server: `start` installs them into a venv once
# (again when the pinned versions change), `status` says whether they are there.
#
#   scripts/services/pytools.sh start|status
#
# Environment:
#   PYTOOLS_PYTHON          interpreter for the venv, default python3 (>= 3.10)
#   DIALWISE_SERVICES_DIR   default <repo>/.services
# Layout: .services/pytools/venv (the tests look for .services/pytools/venv/bin/st
# and, for pyarrow, the venv's bin/python beside it).
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
PYARROW_VERSION=25.0.1
PYTOOLS_PYTHON="${PYTOOLS_PYTHON:-python3}"
SERVICE=pytools
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PDIR="$SERVICES_DIR/pytools"
VENV="$PDIR/venv"
# Every requirement, pinned; the marker file holds this list as last installed,
# so a venv made for an older list is brought up to this one.
WANT=("schemathesis==$SCHEMATHESIS_VERSION" "pyarrow==$PYARROW_VERSION")

installed() {
  [[ -x "$VENV/bin/st" && -x "$VENV/bin/python" &&
    "$(cat "$VENV/.pytools" 2>/dev/null)" == "${WANT[*]}" ]]
}

cmd_start() {
  if installed; then
    say "already installed: ${WANT[*]}"
    return 0
  fi
  mkdir -p "$PDIR"
  command -v "$PYTOOLS_PYTHON" >/dev/null || die "$PYTOOLS_PYTHON not found"
  local t0=$SECONDS
  [[ -x "$VENV/bin/python" ]] || "$PYTOOLS_PYTHON" -m venv "$VENV" ||
    die "could not create venv (Debian: apt-get install python3-venv)"
  if ! "$VENV/bin/python" -m pip install --disable-pip-version-check -q "${WANT[@]}" \
    </dev/null >"$PDIR/pip.log" 2>&1; then
    tail -n 40 "$PDIR/pip.log" >&2
    die "pip install ${WANT[*]} failed (full output: $PDIR/pip.log)"
  fi
  echo "${WANT[*]}" >"$VENV/.pytools"
  say "installed ${WANT[*]} in $((SECONDS - t0))s"
}

case "${1:-}" in
  start) cmd_start ;;
  status) installed && say "installed: ${WANT[*]}" || {
    say "not installed"
    exit 3
  } ;;
  *)
    echo "usage: $0 start|status" >&2
    exit 2
    ;;
esac
