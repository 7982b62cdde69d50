/**
 * type: genesissecret — the Go tool's GenesisSecret, resolved at apply time
 * (src/secrets) into one Kubernetes Secret per `kubernetesSecret` output,
 * applied in the add-on's place in the order. The values exist only in
 * memory and in the applied Secret: the Kubernetes provider marks a
 * Secret's stringData secret, so state holds them encrypted. A `stdout`
 * output prints the keys only, never the values (the Go tool printed both).
 */
import type { Addon } from "../config/model";
import { resolveGenesisSecret } from "../secrets/resolve";
import type { K8sObject } from "../kube/objects";

export async function renderGenesisSecret(a: Addon): Promise<K8sObject[]> {
  const spec = a.genesisSecret ?? {};
  const values = await resolveGenesisSecret(spec, {
    addon: a.name,
    file: a.dir ?? "",
    providers: a.secretProviders ?? [],
    baseDir: a.baseDir,
  });
  const out: K8sObject[] = [];
  for (const o of spec.outputs ?? []) {
    const k = o.kubernetesSecret;
    if (!k) {
      process.stderr.write(
        `add-on ${a.name}: GenesisSecret keys ${Object.keys(values).sort().join(", ")} (values not printed)\n`,
      );
      continue;
    }
    out.push({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: k.name,
        namespace: k.namespace,
        ...(k.labels ? { labels: k.labels } : {}),
        ...(k.annotations ? { annotations: k.annotations } : {}),
      },
      type: k.type || "Opaque",
      stringData: values,
    });
  }
  return out;
}
