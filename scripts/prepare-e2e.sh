#!/usr/bin/env bash
# Runs before the end-to-end tests enter their network namespace, which has
# no way out: packs Tazuna as npm would ship it, and installs that tarball
# once into a throwaway project the way a user does, so that npm's cache then
# holds everything such an install needs. The tests install the same tarball
# into empty folders with `npm install --offline`.
#   prints nothing; the tarball is $TAZUNA_CACHE/e2e/tazuna.tgz
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=${TAZUNA_CACHE:-$HOME/.cache/tazuna}/e2e
cd "$ROOT"
# The collector the traces test sends to: built here, outside the test's network
# namespace (the Go module proxy is reachable only from here), and only for the tests.
bash "$HERE/tools.sh" otelcol
# The report test opens pages in Debian's Chromium: installed here, for the tests only.
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
rm -rf "$OUT/pack" && mkdir -p "$OUT/pack"
npm pack --silent --pack-destination "$OUT/pack" >/dev/null   # prepack builds dist/
mv "$OUT/pack"/tazuna-*.tgz "$OUT/tazuna.tgz"
warm=$(mktemp -d)
trap 'rm -rf "$warm"' EXIT
node dist/cli/bin.js -p "$warm/app" init --context warm-up >/dev/null
# --ignore-scripts: @pulumi/kubernetes's install script would download a
# provider plugin; tools.sh builds and registers ours.
(cd "$warm/app" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error "$OUT/tazuna.tgz" >/dev/null)
