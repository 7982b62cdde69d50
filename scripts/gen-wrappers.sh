#!/usr/bin/env bash
# Regenerates the committed wrapper modules under scripts/toolchain/ from the
# pins in versions.sh. Run it after changing a version, then commit the result.
#   scripts/gen-wrappers.sh [tool ...]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/versions.sh"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

gomod_of() { # module@version -> path of its go.mod in the module cache
  (cd "$(mktemp -d)" && go mod download -json "$1" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
}

# Copies a dependency's non-local replace directives, which Go ignores outside
# the main module but upstream's own build relies on.
copy_replaces() { # go.mod path
  awk '/^replace \(/{b=1;next} b&&/^\)/{b=0;next} {l=$0; sub(/^replace[ \t]+/,"",l); if(b||$1=="replace") print l}' "$1" \
   | awk '$2=="=>" && $3 !~ /^\./ && NF>=4 {print $1"="$3"@"$4} $3=="=>" && $4 !~ /^\./ && NF>=5 {print $1"@"$2"="$4"@"$5}' \
   | while read -r r; do go mod edit -replace="$r"; done
}

fresh() { # tool
  local d=$HERE/toolchain/$1
  rm -rf "$d"; mkdir -p "$d"; cd "$d"
  go mod init "local.tazuna/$1-build" >/dev/null 2>&1
}

gen_pulumi() {
  fresh pulumi
  copy_replaces "$(gomod_of github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION)"
  go get -tool "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PULUMI_VERSION"
  go get "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
}

gen_pulumi-kubernetes() {
  # main.go is our own code, kept across regeneration.
  local keep; keep=$(cat "$HERE/toolchain/pulumi-kubernetes/main.go")
  fresh pulumi-kubernetes
  printf '%s\n' "$keep" > main.go
  go get "github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_K8S_PSEUDO"
  touch schema-embed.json terraform-mapping-embed.json
  go mod tidy
  rm -f schema-embed.json terraform-mapping-embed.json
}

gen_kubernetes() {
  fresh kubernetes
  local mod sv="v0.${KUBE_VERSION#1.}"
  mod=$(gomod_of "k8s.io/kubernetes@v$KUBE_VERSION")
  for m in $(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {print $1}' "$mod"); do
    go mod edit -replace="$m=$m@$sv"
  done
  go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@v$KUBE_VERSION" "k8s.io/kubernetes/cmd/kube-controller-manager@v$KUBE_VERSION" \
    "k8s.io/kubernetes/cmd/kube-scheduler@v$KUBE_VERSION" "k8s.io/kubernetes/cmd/kubectl@v$KUBE_VERSION"
}

gen_etcd() { fresh etcd; go get -tool "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"; }
gen_kwok() { fresh kwok; go get -tool "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"; }
gen_helm() { fresh helm; go get -tool "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION"; }
gen_kustomize() { fresh kustomize; go get -tool "sigs.k8s.io/kustomize/kustomize/v5@v$KUSTOMIZE_VERSION"; }
gen_oras() { fresh oras; go get -tool "oras.land/oras/cmd/oras@v$ORAS_VERSION"; }
gen_registry() {
  fresh registry
  copy_replaces "$(gomod_of "github.com/distribution/distribution/v3@v$REGISTRY_VERSION")"
  go get -tool "github.com/distribution/distribution/v3/cmd/registry@v$REGISTRY_VERSION"
}
gen_sops() {
  fresh sops
  copy_replaces "$(gomod_of "github.com/getsops/sops/v3@v$SOPS_VERSION")"
  go get -tool "github.com/getsops/sops/v3/cmd/sops@v$SOPS_VERSION"
}
gen_gofakes3() { fresh gofakes3; go get -tool "github.com/johannesboyne/gofakes3/cmd/gofakes3@v$GOFAKES3_VERSION"; }
gen_age() { fresh age; go get -tool "filippo.io/age/cmd/age@v$AGE_VERSION" "filippo.io/age/cmd/age-keygen@v$AGE_VERSION"; }
gen_helmfile() {
  fresh helmfile
  copy_replaces "$(gomod_of "github.com/helmfile/helmfile@v$HELMFILE_VERSION")"
  go get -tool "github.com/helmfile/helmfile@v$HELMFILE_VERSION"
}
# A trace collector for the traces test: our own main.go (the components it
# needs, as the collector builder would generate), collector modules at one release.
gen_otelcol() {
  local keep; keep=$(cat "$HERE/toolchain/otelcol/main.go")
  fresh otelcol
  printf '%s\n' "$keep" > main.go
  go get "go.opentelemetry.io/collector/otelcol@v$OTELCOL_VERSION" \
    "go.opentelemetry.io/collector/receiver/otlpreceiver@v$OTELCOL_VERSION" \
    "github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter@v$OTELCOL_VERSION"
  go mod tidy
}

tools=("$@"); [ ${#tools[@]} -gt 0 ] || tools=(pulumi pulumi-kubernetes kubernetes etcd kwok helm kustomize helmfile oras registry sops age gofakes3 otelcol)
for t in "${tools[@]}"; do echo "gen: $t" >&2; (set -e; "gen_$t"); done
