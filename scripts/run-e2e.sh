#!/usr/bin/env bash
# The e2e suite, three files at a time (each starts its own control plane;
# more than three on two cores starves the API servers). Mocha runs files in
# the order given, so the longest go first: the suite then ends about when
# the longest file does, instead of with a long file started last.
set -euo pipefail
cd "$(dirname "$0")/.."
longest=(safety-upstream safety-crds cli faults migrate product fleet go-format secrets)
files=()
for f in "${longest[@]}"; do files+=("test/e2e/$f.test.ts"); done
for f in test/e2e/*.test.ts; do
  [[ " ${files[*]} " == *" $f "* ]] || files+=("$f")
done
exec mocha --parallel --jobs 3 --timeout 1200000 "$@" "${files[@]}"
