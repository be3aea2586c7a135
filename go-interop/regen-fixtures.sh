#!/usr/bin/env bash
# Regenerates fixtures/gob, fixtures/gob-bad, fixtures/gob-lenient and fixtures/time from
# the Go program in go-interop/. One fresh Go process per case, because Go
# assigns gob type ids per process.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

# shellcheck source=ensure-go.sh
. "$here/ensure-go.sh"
export GOPROXY=off GOTOOLCHAIN=local TZ=UTC

cd "$here"
go build -o bin/gointerop .
bin="$here/bin/gointerop"

out="$root/fixtures"
rm -rf "$out/gob" "$out/gob-bad" "$out/gob-lenient"
mkdir -p "$out/gob" "$out/gob-bad" "$out/gob-lenient"

"$bin" index -out "$out/gob/INDEX.json"
# One process per case: `list -dirs` prints "NAME DIR" lines.
n=0
while read -r name dir; do
  "$bin" gen -case "$name" -out "$out/$dir"
  n=$((n + 1))
done < <("$bin" list -dirs)

"$bin" truncations -dir "$out/gob" -out "$out/gob-bad/truncations.json"
rm -rf "$out/time"
"$bin" time-corpus -out "$out/time"
bash "$here/regen-netrpc.sh"
echo "regen-fixtures: $n cases written to $out/{gob,gob-bad,gob-lenient}" >&2
