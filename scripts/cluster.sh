#!/usr/bin/env bash
# Starts or stops a long-lived local control plane for manual use, inside the
# named network namespace "tazuna" (only loopback up).
#   scripts/cluster.sh up      start it; prints how to reach it
#   scripts/cluster.sh down    stop every process and remove its folder
#   scripts/cluster.sh exec -- kubectl get nodes     run a command beside it
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
NS=${TAZUNA_NETNS:-tazuna}
DIR=${TAZUNA_CLUSTER_DIR:-${TAZUNA_CACHE:-$HOME/.cache/tazuna}/cluster}
eval "$(bash "$HERE/tools.sh" --env)"
export PATH="$ROOT/node_modules/.bin:$PATH"

in_ns() { ip netns exec "$NS" "$@"; }

case "${1:-}" in
  up)
    ip netns list | grep -qw "^$NS" || ip netns add "$NS"
    in_ns ip link set lo up
    in_ns ts-node-transpile-only "$ROOT/src/cluster/cli.ts" up --dir "$DIR"
    echo "kubeconfig: $DIR/kubeconfig (reach it with: scripts/cluster.sh exec -- kubectl --kubeconfig $DIR/kubeconfig get nodes)"
    ;;
  down)
    if ip netns list | grep -qw "^$NS"; then
      in_ns ts-node-transpile-only "$ROOT/src/cluster/cli.ts" down --dir "$DIR"
      ip netns del "$NS"
    fi
    rm -rf "$DIR"
    ;;
  exec)
    shift; [ "${1:-}" = -- ] && shift
    in_ns "$@"
    ;;
  *) echo "usage: scripts/cluster.sh up|down|exec -- <command>" >&2; exit 2 ;;
esac
