#!/usr/bin/env bash
# Builds wasm/gotemplate.wasm (Go's text/template, for templated tazuna.yaml
# files) and copies Go's wasm_exec.js beside it. Run by `npm run build`; the
# package ships both, so users need no Go.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$HERE/../wasm
mkdir -p "$OUT"
cd "$HERE/gotemplate"
GOTOOLCHAIN=local GOOS=js GOARCH=wasm CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$OUT/gotemplate.wasm.tmp" .
mv "$OUT/gotemplate.wasm.tmp" "$OUT/gotemplate.wasm"
install -m644 "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$OUT/wasm_exec.js"
