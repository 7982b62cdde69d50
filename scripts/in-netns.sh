#!/usr/bin/env bash
# Runs a command in its own network and PID namespaces with only loopback up:
# nothing inside can reach a private or public address, and when the command
# ends or is interrupted the kernel kills every process it left behind.
#   scripts/in-netns.sh <command> [args...]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

if [ "${TAZUNA_IN_NETNS:-}" = 1 ]; then
  ip link set lo up
  "$@"
  exit $?
fi

eval "$(bash "$HERE/tools.sh" --env)"
export PATH="$ROOT/node_modules/.bin:$PATH"
# Temp dirs of clusters and state backends live here, so an interrupted run
# leaves nothing behind in /tmp.
RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tazuna-run.XXXXXX")
cleanup() { rm -rf "$RUN_TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
set +e
TMPDIR=$RUN_TMP TAZUNA_IN_NETNS=1 unshare --net --pid --fork --mount-proc --kill-child bash "$0" "$@"
rc=$?
set -e
exit $rc
