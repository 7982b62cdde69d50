#!/usr/bin/env bash
# Builds every Go tool Tazuna needs from the Go module proxy, pinned, into a
# cache outside the clone keyed by version. A tool whose binary already
# reports the pinned version is skipped, so a warm machine builds nothing.
#
#   scripts/tools.sh            build what is missing, then print env lines
#   scripts/tools.sh --env      only print the env lines (no build)
#
# Wrapper modules (go.mod + go.sum) are committed under scripts/toolchain/<tool>
# so every build resolves the exact same module graph.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.sh
source "$HERE/versions.sh"

CACHE=${TAZUNA_CACHE:-$HOME/.cache/tazuna}
TOOLS=$CACHE/tools
LOG=$CACHE/build-times.log
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
mkdir -p "$TOOLS" "$CACHE/src"

dir_of() { echo "$TOOLS/$1-$2"; }

version_of() { # tool -> pinned version
  case $1 in
    kubernetes) echo "$KUBE_VERSION" ;; etcd) echo "$ETCD_VERSION" ;; kwok) echo "$KWOK_VERSION" ;;
    kustomize) echo "$KUSTOMIZE_VERSION" ;; helm) echo "$HELM_VERSION" ;; helmfile) echo "$HELMFILE_VERSION" ;;
    oras) echo "$ORAS_VERSION" ;; registry) echo "$REGISTRY_VERSION" ;;
    sops) echo "$SOPS_VERSION" ;; age) echo "$AGE_VERSION" ;; gofakes3) echo "$GOFAKES3_VERSION" ;;
    otelcol) echo "$OTELCOL_VERSION" ;;
  esac
}

log_time() { # tool version seconds status
  printf '%s\t%s\t%s\t%ss\t%s\n' "$(date -u +%FT%TZ)" "$1" "$2" "$3" "$4" >>"$LOG"
}

# Runs a build step, timing it, unless the check already passes.
# A check reads a tool's whole --version output (grep without -q): `grep -q` stops at the
# first match, the tool then dies of SIGPIPE, and pipefail fails the check now and then.
step() { # name version check-cmd build-fn
  local name=$1 version=$2 check=$3 fn=$4 t0 rc
  if eval "$check" >/dev/null 2>&1; then
    log_time "$name" "$version" 0 cached
    echo "tools: $name $version cached" >&2
    return 0
  fi
  echo "tools: building $name $version ..." >&2
  t0=$(date +%s)
  set +e; ( set -e; "$fn" ); rc=$?; set -e
  if [ $rc -ne 0 ] || ! eval "$check" >/dev/null 2>&1; then
    log_time "$name" "$version" $(( $(date +%s) - t0 )) failed
    echo "tools: $name $version failed (rc=$rc); see output above" >&2
    return 1
  fi
  log_time "$name" "$version" $(( $(date +%s) - t0 )) built
  echo "tools: $name $version built in $(( $(date +%s) - t0 ))s" >&2
}

# Copies the committed wrapper module into a scratch dir and builds there, so
# the clone stays clean and go.sum updates never leak into the repo silently.
wrapper() { # tool -> prints the scratch dir
  local src=$HERE/toolchain/$1 w=$CACHE/src/$1
  rm -rf "$w"; mkdir -p "$w"; cp -r "$src"/. "$w"/
  echo "$w"
}

# Packages each tool builds, for the prefetch below.
declare -A PKGS=(
  [pulumi]=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  [pulumi-kubernetes]=.
  [kubernetes]="k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl"
  [etcd]=go.etcd.io/etcd/server/v3
  [kwok]=sigs.k8s.io/kwok/cmd/kwok
  [kustomize]=sigs.k8s.io/kustomize/kustomize/v5
  [helm]=helm.sh/helm/v3/cmd/helm
  [helmfile]=github.com/helmfile/helmfile
  [oras]=oras.land/oras/cmd/oras
  [registry]=github.com/distribution/distribution/v3/cmd/registry
  [sops]=github.com/getsops/sops/v3/cmd/sops
  [age]="filippo.io/age/cmd/age filippo.io/age/cmd/age-keygen"
  [gofakes3]=github.com/johannesboyne/gofakes3/cmd/gofakes3
  [otelcol]=.
)

# On a cold machine about a sixth of the time is module downloads, which each
# build would otherwise do one after the other before compiling. Fetching the
# modules of every tool still to build in the background, a few at a time,
# overlaps that network time with the compiles (the module cache is safe for
# concurrent go commands).
prefetch() { # tool...
  local t w
  for t in "$@"; do
    w=$CACHE/src/prefetch-$t
    rm -rf "$w"; mkdir -p "$w"; cp -r "$HERE/toolchain/$t"/. "$w"/
    # shellcheck disable=SC2086
    ( cd "$w" && go list -e -deps ${PKGS[$t]} >/dev/null 2>&1 || true; rm -rf "$w" ) &
    while [ "$(jobs -rp | wc -l)" -ge 3 ]; do sleep 1; done
  done
  wait
}

build_pulumi() {
  local w out; w=$(wrapper pulumi); out=$(dir_of pulumi "$PULUMI_VERSION")
  cd "$w"
  go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$out/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

build_k8s_provider() {
  local w out; w=$(wrapper pulumi-kubernetes); out=$(dir_of pulumi-resource-kubernetes "$PULUMI_K8S_VERSION")
  cd "$w"
  # `go list -m` prints an empty Dir for a module not yet in the module cache,
  # so download it first (a no-op on a warm cache).
  go mod download github.com/pulumi/pulumi-kubernetes/provider/v4
  local d; d=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)/cmd/pulumi-resource-kubernetes
  [ -f "$d/schema.json" ] || { echo "tools: provider schema not found under '$d'" >&2; return 1; }
  install -m644 "$d/schema.json" schema-embed.json
  install -m644 "$d/terraform-mapping.json" terraform-mapping-embed.json
  go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=v$PULUMI_K8S_VERSION" \
    -o "$out/pulumi-resource-kubernetes" .
}

build_kubernetes() {
  local w out ldf bd minor; w=$(wrapper kubernetes); out=$(dir_of kubernetes "$KUBE_VERSION")
  cd "$w"
  minor=$(echo "$KUBE_VERSION" | cut -d. -f2); bd=$(date -u +%Y-%m-%dT%H:%M:%SZ); ldf="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf+=" -X $p.gitVersion=v$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=$bd"
  done
  mkdir -p "$out"
  go build -trimpath -ldflags "$ldf" -o "$out/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
}

build_etcd() {
  local w out; w=$(wrapper etcd); out=$(dir_of etcd "$ETCD_VERSION")
  cd "$w"
  go build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=v$ETCD_VERSION" \
    -o "$out/etcd" go.etcd.io/etcd/server/v3
}

build_kwok() {
  local w out; w=$(wrapper kwok); out=$(dir_of kwok "$KWOK_VERSION")
  cd "$w"
  go build -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$KUBE_VERSION" \
    -o "$out/kwok" sigs.k8s.io/kwok/cmd/kwok
  kwok_stages
}

# kwok refuses to start without Stages, and only kwokctl injects its defaults;
# take the same "fast" set from the module we built from.
kwok_stages() {
  local w out src f; w=$CACHE/src/kwok; out=$(dir_of kwok "$KWOK_VERSION")
  src=$(cd "$w" && go mod download sigs.k8s.io/kwok && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage
  : >"$out/stages.yaml.tmp"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    { echo "---"; cat "$src/$f"; } >>"$out/stages.yaml.tmp"
  done
  mv "$out/stages.yaml.tmp" "$out/stages.yaml"
}

build_helm() {
  local w out minor; w=$(wrapper helm); out=$(dir_of helm "$HELM_VERSION")
  cd "$w"
  minor=$(go list -m -f '{{.Version}}' k8s.io/client-go | cut -d. -f2)
  go build -trimpath -ldflags "-s -w \
    -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor" \
    -o "$out/helm" helm.sh/helm/v3/cmd/helm
}

build_kustomize() {
  local w out; w=$(wrapper kustomize); out=$(dir_of kustomize "$KUSTOMIZE_VERSION")
  cd "$w"
  go build -trimpath -ldflags "-s -w -X sigs.k8s.io/kustomize/api/provenance.version=v$KUSTOMIZE_VERSION" \
    -o "$out/kustomize" sigs.k8s.io/kustomize/kustomize/v5
}

build_helmfile() {
  local w out; w=$(wrapper helmfile); out=$(dir_of helmfile "$HELMFILE_VERSION")
  cd "$w"
  go build -trimpath -ldflags "-s -w -X go.szostok.io/version.version=v$HELMFILE_VERSION \
    -X go.szostok.io/version.buildDate=$(date -u +%FT%TZ) -X go.szostok.io/version.dirtyBuild=false" \
    -o "$out/helmfile" github.com/helmfile/helmfile
}

build_oras() {
  local w out; w=$(wrapper oras); out=$(dir_of oras "$ORAS_VERSION")
  cd "$w"
  go build -trimpath -ldflags "-s -w -X oras.land/oras/internal/version.Version=$ORAS_VERSION" \
    -o "$out/oras" oras.land/oras/cmd/oras
}

# The registry is only for tests (the oras add-on and oci:// charts need one).
build_registry() {
  local w out; w=$(wrapper registry); out=$(dir_of registry "$REGISTRY_VERSION")
  cd "$w"
  go build -trimpath -ldflags "-s -w -X github.com/distribution/distribution/v3/version.version=v$REGISTRY_VERSION" \
    -o "$out/registry" github.com/distribution/distribution/v3/cmd/registry
}

# sops decrypts `sops://` secret references at apply time; age is the key
# type the tests (and most teams) give it.
build_sops() {
  local w out; w=$(wrapper sops); out=$(dir_of sops "$SOPS_VERSION")
  cd "$w"
  go build -trimpath -ldflags "-s -w" -o "$out/sops" github.com/getsops/sops/v3/cmd/sops
}

# Only for tests: an S3-compatible store, so shared state (s3://) is tested
# against a real object store without reaching a cloud.
build_gofakes3() {
  local w out; w=$(wrapper gofakes3); out=$(dir_of gofakes3 "$GOFAKES3_VERSION")
  cd "$w"
  go build -trimpath -ldflags "-s -w" -o "$out/gofakes3" github.com/johannesboyne/gofakes3/cmd/gofakes3
}

# Only for the traces test (built by prepare-e2e.sh, not by setup): a collector
# with the OTLP receivers and the file exporter, from our main.go.
build_otelcol() {
  local w out; w=$(wrapper otelcol); out=$(dir_of otelcol "$OTELCOL_VERSION")
  cd "$w"
  go build -trimpath -ldflags "-s -w" -o "$out/otelcol" .
}

build_age() {
  local w out; w=$(wrapper age); out=$(dir_of age "$AGE_VERSION")
  cd "$w"
  go build -trimpath -ldflags "-s -w" -o "$out/" filippo.io/age/cmd/age filippo.io/age/cmd/age-keygen
}

# The dynamic-provider shim ships in the @pulumi/pulumi npm package; the engine
# looks for it next to the pulumi binary. Our copy resolves the SDK from the
# project root, so it works from any working directory.
install_shims() {
  local bin; bin=$(dir_of pulumi "$PULUMI_VERSION")/bin
  local sdk="$ROOT/node_modules/@pulumi/pulumi"
  [ -d "$sdk" ] || { echo "tools: run npm ci first ($sdk missing)" >&2; return 1; }
  install -m755 "$sdk/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
  install -m755 "$ROOT/scripts/pulumi-language-nodejs" "$bin/pulumi-language-nodejs"
}

# Registers the self-built provider in PULUMI_HOME's plugin cache so the
# engine finds exactly this version and never tries to download one.
install_k8s_plugin() {
  local p; p=$(dir_of pulumi-resource-kubernetes "$PULUMI_K8S_VERSION")/pulumi-resource-kubernetes
  "$PULUMI" plugin ls 2>/dev/null | grep -qE "^kubernetes +resource +$PULUMI_K8S_VERSION" && return 0
  "$PULUMI" plugin install resource kubernetes "v$PULUMI_K8S_VERSION" --file "$p" >&2
}

print_env() {
  cat <<ENV
export TAZUNA_CACHE=$CACHE
export PATH=$(dir_of pulumi "$PULUMI_VERSION")/bin:$(dir_of kubernetes "$KUBE_VERSION"):$(dir_of etcd "$ETCD_VERSION"):$(dir_of kwok "$KWOK_VERSION"):$(dir_of helm "$HELM_VERSION"):$(dir_of kustomize "$KUSTOMIZE_VERSION"):$(dir_of helmfile "$HELMFILE_VERSION"):$(dir_of oras "$ORAS_VERSION"):$(dir_of registry "$REGISTRY_VERSION"):$(dir_of sops "$SOPS_VERSION"):$(dir_of age "$AGE_VERSION"):$(dir_of gofakes3 "$GOFAKES3_VERSION"):$(dir_of otelcol "$OTELCOL_VERSION"):\$PATH
export PULUMI_HOME=$CACHE/pulumi-home
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_DISABLE_REGISTRY_RESOLVE=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=false
export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
# sops otherwise asks github.com for its latest version on --version.
export SOPS_DISABLE_VERSION_CHECK=1
# helmfile otherwise asks github.com for a newer release on every run.
export HELMFILE_UPGRADE_NOTICE_DISABLED=1
export HELM_CACHE_HOME=$CACHE/helm/cache HELM_CONFIG_HOME=$CACHE/helm/config HELM_DATA_HOME=$CACHE/helm/data
ENV
}

main() {
  ROOT=$(cd "$HERE/.." && pwd)
  if [ "${1:-}" = --env ]; then print_env; return; fi
  local only=${1:-all}
  echo "--- $(date -u +%FT%TZ) tools.sh start ($only)" >>"$LOG"
  local t0; t0=$(date +%s)
  want() { [ "$only" = all ] || [ "$only" = "$1" ]; }
  # Only the tests need the collector: `tools.sh otelcol` (prepare-e2e.sh) builds it, `all` does not.
  if [ "$only" = otelcol ]; then
    step otelcol "$OTELCOL_VERSION" "$(dir_of otelcol "$OTELCOL_VERSION")/otelcol --version | grep -F -- $OTELCOL_VERSION" build_otelcol
    echo "--- total $(( $(date +%s) - t0 ))s" >>"$LOG"
    return
  fi
  local todo=()
  want pulumi && ! "$(dir_of pulumi "$PULUMI_VERSION")/bin/pulumi" version >/dev/null 2>&1 && todo+=(pulumi)
  want pulumi-kubernetes && ! test -x "$(dir_of pulumi-resource-kubernetes "$PULUMI_K8S_VERSION")/pulumi-resource-kubernetes" && todo+=(pulumi-kubernetes)
  local t bin
  for t in kubernetes:kubectl etcd:etcd kwok:kwok kustomize:kustomize helm:helm helmfile:helmfile oras:oras registry:registry sops:sops age:age gofakes3:gofakes3; do
    bin=$(dir_of "${t%%:*}" "$(version_of "${t%%:*}")")/${t##*:}
    want "${t%%:*}" && ! test -x "$bin" && todo+=("${t%%:*}")
  done
  [ ${#todo[@]} -gt 0 ] && { echo "tools: prefetching modules for ${todo[*]}" >&2; prefetch "${todo[@]}" & }
  want pulumi && step pulumi "$PULUMI_VERSION" "$(dir_of pulumi "$PULUMI_VERSION")/bin/pulumi version | grep -qx v$PULUMI_VERSION" build_pulumi
  want pulumi-kubernetes && step pulumi-resource-kubernetes "$PULUMI_K8S_VERSION" "test -x $(dir_of pulumi-resource-kubernetes "$PULUMI_K8S_VERSION")/pulumi-resource-kubernetes" build_k8s_provider
  want kubernetes && step kubernetes "$KUBE_VERSION" "$(dir_of kubernetes "$KUBE_VERSION")/kube-apiserver --version | grep -F -- v$KUBE_VERSION && test -x $(dir_of kubernetes "$KUBE_VERSION")/kubectl" build_kubernetes
  want etcd && step etcd "$ETCD_VERSION" "$(dir_of etcd "$ETCD_VERSION")/etcd --version | grep -F -- $ETCD_VERSION" build_etcd
  want kwok && step kwok "$KWOK_VERSION" "$(dir_of kwok "$KWOK_VERSION")/kwok --version | grep -F -- $KWOK_VERSION && test -s $(dir_of kwok "$KWOK_VERSION")/stages.yaml" build_kwok
  want kustomize && step kustomize "$KUSTOMIZE_VERSION" "$(dir_of kustomize "$KUSTOMIZE_VERSION")/kustomize version | grep -F -- $KUSTOMIZE_VERSION" build_kustomize
  want helm && step helm "$HELM_VERSION" "$(dir_of helm "$HELM_VERSION")/helm version --short | grep -F -- v$HELM_VERSION" build_helm
  want helmfile && step helmfile "$HELMFILE_VERSION" "HELMFILE_UPGRADE_NOTICE_DISABLED=1 $(dir_of helmfile "$HELMFILE_VERSION")/helmfile version -o short | grep -F -- $HELMFILE_VERSION" build_helmfile
  want oras && step oras "$ORAS_VERSION" "$(dir_of oras "$ORAS_VERSION")/oras version | grep -F -- $ORAS_VERSION" build_oras
  want registry && step registry "$REGISTRY_VERSION" "$(dir_of registry "$REGISTRY_VERSION")/registry --version | grep -F -- v$REGISTRY_VERSION" build_registry
  want sops && step sops "$SOPS_VERSION" "SOPS_DISABLE_VERSION_CHECK=1 $(dir_of sops "$SOPS_VERSION")/sops --version | grep -F -- $SOPS_VERSION" build_sops
  want age && step age "$AGE_VERSION" "$(dir_of age "$AGE_VERSION")/age --version | grep -F -- v$AGE_VERSION && test -x $(dir_of age "$AGE_VERSION")/age-keygen" build_age
  # gofakes3 has no version flag; the folder is keyed by version.
  want gofakes3 && step gofakes3 "$GOFAKES3_VERSION" "test -x $(dir_of gofakes3 "$GOFAKES3_VERSION")/gofakes3" build_gofakes3
  if [ "$only" = all ]; then
    eval "$(print_env)"
    PULUMI=$(dir_of pulumi "$PULUMI_VERSION")/bin/pulumi
    install_shims
    install_k8s_plugin
  fi
  wait
  echo "--- total $(( $(date +%s) - t0 ))s" >>"$LOG"
  echo "tools: done in $(( $(date +%s) - t0 ))s (log: $LOG)" >&2
}

main "$@"
