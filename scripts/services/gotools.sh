#!/usr/bin/env bash
# Tools built from the Go module proxy with `go install` (no server runs):
#   - promtool, Prometheus's own checker: ops/prometheus/alerts.yml is checked
#     and its unit tests (alerts.test.yml) run by test/integration/ops-files.test.ts;
#   - the Versity S3 Gateway (Apache 2.0), a real S3-compatible server over a
#     local folder: test/integration/recordings-s3.test.ts starts its own on
#     a free loopback port with credentials it makes up.
# `start` builds what is missing (several minutes on 2 cores, once), `status`
# says whether both are there.
#
#   scripts/services/gotools.sh start|status
#
# VERSION CHOICE (checked 2026-12-07, the latest on the module proxy):
#   prometheus v0.316.0 (the Go module version of Prometheus 3.x), versitygw v1.8.0.
#
# Environment:
#   GO                      the go command (default: go on PATH, else /usr/local/go/bin/go);
#                           GOTOOLCHAIN=auto fetches the Go a module asks for
#   DIALWISE_SERVICES_DIR   default <repo>/.services
# Layout: .services/gotools/bin/{promtool,versitygw} (the tests look there,
# or at PROMTOOL_BIN and VERSITYGW_BIN).
set -euo pipefail

TOOLS=(
  "promtool github.com/prometheus/prometheus/cmd/promtool@v0.316.0"
  "versitygw github.com/versity/versitygw/cmd/versitygw@v1.8.0"
)
SERVICE=gotools
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
GDIR="$SERVICES_DIR/gotools"

# built NAME PACKAGE@VERSION: the binary is there, built from that version.
built() { [[ -x "$GDIR/bin/$1" && "$(cat "$GDIR/bin/.$1" 2>/dev/null)" == "$2" ]]; }

cmd_start() {
  local go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}" name pkg t0
  mkdir -p "$GDIR/bin"
  for tool in "${TOOLS[@]}"; do
    read -r name pkg <<<"$tool"
    if built "$name" "$pkg"; then
      say "already built: $pkg"
      continue
    fi
    [[ -x "$go" ]] || die "go not found (install Go, or set GO)"
    t0=$SECONDS
    say "building $pkg with $("$go" version) (one-off, minutes) ..."
    if ! GOBIN="$GDIR/bin" GOTOOLCHAIN=auto "$go" install "$pkg" \
      </dev/null >"$GDIR/$name-build.log" 2>&1; then
      tail -n 40 "$GDIR/$name-build.log" >&2
      die "go install $pkg failed (full output: $GDIR/$name-build.log)"
    fi
    echo "$pkg" >"$GDIR/bin/.$name"
    say "built $name in $((SECONDS - t0))s"
  done
}

cmd_status() {
  local name pkg missing=0
  for tool in "${TOOLS[@]}"; do
    read -r name pkg <<<"$tool"
    if built "$name" "$pkg"; then say "built: $pkg"; else
      say "not built: $pkg"
      missing=1
    fi
  done
  ((missing == 0)) || exit 3
}

case "${1:-}" in
  start) cmd_start ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 start|status" >&2
    exit 2
    ;;
esac
