# Pinned tool versions. Changing one here makes scripts/tools.sh build it anew
# into its own cache folder; the wrapper module under scripts/toolchain/<tool>
# must be regenerated with scripts/gen-wrappers.sh to match.
PULUMI_VERSION=3.248.0            # CLI; same as the @pulumi/pulumi npm pin (newest with engines node>=20)
PULUMI_K8S_VERSION=4.25.0         # provider; same as the @pulumi/kubernetes npm pin
PULUMI_K8S_PSEUDO=v4.0.0-20260115033456-f47bc2d6f199   # provider/v4 has no tags; this is the v4.25.0 commit
KUBE_VERSION=1.37.2
ETCD_VERSION=3.7.3
KWOK_VERSION=0.8.0
HELM_VERSION=3.22.0
KUSTOMIZE_VERSION=5.8.2
HELMFILE_VERSION=1.8.0
ORAS_VERSION=1.3.6               # the oras CLI: pushes test artifacts; the oras add-on pulls with it
REGISTRY_VERSION=3.1.2           # the CNCF distribution registry, for the oras and oci:// tests
SOPS_VERSION=3.13.3               # sops: the secrets e2e encrypts and decrypts test files with it
AGE_VERSION=1.3.2                 # age: the key sops uses in those tests (age-keygen)
GOFAKES3_VERSION=1.2.0             # an S3-compatible object store: the shared-state tests keep state in s3:// on it
OTELCOL_VERSION=0.161.0           # an OpenTelemetry collector (otlp in, a JSON file out): only the traces test needs it; built by prepare-e2e.sh
