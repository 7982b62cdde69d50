#!/usr/bin/env bash
# Everything a fresh `go` machine needs before Tazuna runs: Debian packages,
# npm packages, and the Go-built tools (cached in ~/.cache/tazuna by version).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

# unshare (util-linux) and ip (iproute2) make the loopback-only namespaces;
# openssl mints the local control plane's certificates.
PKGS=(iproute2 util-linux openssl ca-certificates)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: apt-get install ${missing[*]}" >&2
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

cd "$ROOT"
# npm ci leaves install scripts off: @pulumi/kubernetes's would try to
# download a provider plugin, which tools.sh builds instead.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.tazuna-lock; then
  npm ci --ignore-scripts --no-audit --no-fund
  cp package-lock.json node_modules/.tazuna-lock
fi
bash "$HERE/tools.sh"
