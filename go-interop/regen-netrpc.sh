#!/usr/bin/env bash
# Regenerates fixtures/netrpc: for each scripted call stream, Go's client runs it against a
# fresh `gointerop server` process (Go numbers gob types per process) and records every
# call's request and reply bytes. `bash go-interop/regen-fixtures.sh` runs this too.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=ensure-go.sh
. "$here/ensure-go.sh"
export GOPROXY=off GOTOOLCHAIN=local TZ=UTC
cd "$here"
go build -o bin/gointerop .
bin="$here/bin/gointerop"
out="$root/fixtures/netrpc"
rm -rf "$out"
mkdir -p "$out"

n=0
for script in $("$bin" netrpc-record -list); do
  coproc SERVER { exec "$bin" server -tcp 127.0.0.1:0 -lifetime 1m; }
  read -r line <&"${SERVER[0]}"
  addr=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["tcp"])' "$line")
  "$bin" netrpc-record -script "$script" -tcp "$addr" -out "$out/$script.json"
  exec {SERVER[1]}>&-
  wait "$SERVER_PID" || true
  n=$((n + 1))
done
echo "regen-netrpc: $n streams written to $out" >&2
