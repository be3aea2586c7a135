#!/usr/bin/env bash
# Builds go-plugin's own test binary (real go-plugin code, from Debian's sources, in GOPATH
# mode) into go-interop/bin/go-plugin.test, installing the Debian packages when missing.
# tests/plugin_go.rs runs it in the helper modes go-plugin's client_test.go uses.
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
out=bin/go-plugin.test
mkdir -p bin
# Rebuild only when the sources are newer than the binary.
if [ ! -x "$out" ] || [ -n "$(find "$src" -newer "$out" -name '*.go' -print -quit)" ]; then
  GO111MODULE=off GOPATH=/usr/share/gocode GOTOOLCHAIN=local GOFLAGS= \
    go test -c -o "$out" github.com/hashicorp/go-plugin
fi
echo "$PWD/$out"
