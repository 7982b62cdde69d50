#!/usr/bin/env bash
# Builds dist/ unless it is newer than every source it is built from, so a
# test never runs an old build of the CLI (test/tazuna.ts runs dist/cli/bin.js).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=dist/build-info.json
if [ -f "$stamp" ] && [ -f wasm/gotemplate.wasm ] && [ -z "$(find src scripts/build-wasm.sh scripts/build-info.sh package.json tsconfig.json tsconfig.build.json -newer "$stamp" -print -quit)" ]; then
  exit 0
fi
npm run build
