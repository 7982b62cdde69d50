#!/usr/bin/env bash
# Writes dist/build-info.json: the commit the build is made from and its date
# (the commit's, so the same commit builds the same package), for `tazuna version`.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
date=$(git log -1 --format=%cI 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit-dirty"
fi
printf '{"commit":"%s","date":"%s"}\n' "$commit" "$date" > dist/build-info.json
