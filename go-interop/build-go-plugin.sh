#!/usr/bin/env bash
# Builds, in GOPATH mode from Debian's sources (installing the Debian packages when missing):
# - go-plugin's own test binary (real go-plugin code) into go-interop/bin/go-plugin.test;
#   tests/plugin_go.rs runs it in the helper modes go-plugin's client_test.go uses;
# - our own plugin, go-interop/goplugin/, into go-interop/bin/gobrpc-test-plugin
#   (tests/plugin_own.rs, examples/plugin_host.rs);
# - go-plugin's own Go host driving that plugin, go-interop/goplugin-host/, into
#   go-interop/bin/goplugin-host (the plugin-host benchmark, bench/src/plugin_bench.rs).
# Prints the path of the first, with the argument `own` of the second, with `host` of the
# third.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=ensure-go.sh
. ./ensure-go.sh
src=/usr/share/gocode/src/github.com/hashicorp/go-plugin
if [ ! -f "$src/client.go" ] || [ ! -d /usr/share/gocode/src/google.golang.org/grpc ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    golang-github-hashicorp-go-plugin-dev golang-google-grpc-dev >&2
fi
gopath() { GO111MODULE=off GOPATH=/usr/share/gocode GOTOOLCHAIN=local GOFLAGS= "$@"; }
# Whether $1 is missing or older than a .go file under the other arguments.
stale() {
  local out=$1
  shift
  [ ! -x "$out" ] || [ -n "$(find "$@" -newer "$out" -name '*.go' -print -quit)" ]
}
mkdir -p bin
test_bin=bin/go-plugin.test own_bin=bin/gobrpc-test-plugin host_bin=bin/goplugin-host
if stale "$test_bin" "$src"; then
  gopath go test -c -o "$test_bin" github.com/hashicorp/go-plugin
fi
if stale "$own_bin" "$src" goplugin; then
  gopath go build -o "$own_bin" ./goplugin
fi
if [ "${1:-}" = host ] && stale "$host_bin" "$src" goplugin-host; then
  gopath go build -o "$host_bin" ./goplugin-host
fi
case "${1:-}" in
  own) echo "$PWD/$own_bin" ;;
  host) echo "$PWD/$host_bin" ;;
  *) echo "$PWD/$test_bin" ;;
esac
