/**
 * type: genesissecret — the Go tool's GenesisSecret, resolved at apply time
 * (src/secrets) into one Kubernetes Secret per `kubernetesSecret` output,
 * applied in the add-on's place in the order. The values exist only in
 * memory and in the applied Secret: the Kubernetes provider marks a
 * Secret's stringData secret, so state holds them encrypted. A `stdout`
 * output prints the keys only, never the values (the Go tool printed both).
 */
import { statSync } from "node:fs";
import { z } from "zod";
import { loadGenesisSecret } from "../config/genesis-secret";
import { addonType, type EntryCheck, type Extras, type WithBlock } from "./contract";
import { resolveGenesisSecret } from "../secrets/resolve";
import type { K8sObject } from "../kube/objects";

const GenesisSecretSchema = z.strictObject({});

async function renderGenesisSecret(a: WithBlock<"genesisSecret", object>): Promise<K8sObject[]> {
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

/** The GenesisSecret file at `path`, loaded and checked with the providers it names. */
async function loaded(e: EntryCheck<object>): Promise<Extras | undefined> {
  if (e.dir === undefined) return undefined;
  if (statSync(e.dir).isDirectory()) {
    e.problem(
      ["path"],
      "a genesissecret add-on's path names one file, not a folder",
      "point path at the GenesisSecret YAML file",
    );
    return undefined;
  }
  const genesisSecret = await loadGenesisSecret(e.dir, e.providers, e.problems, e.rootDir);
  return genesisSecret ? { genesisSecret, secretProviders: [...e.providers] } : undefined;
}

export const genesissecret = addonType({
  name: "genesissecret",
  field: "genesisSecret",
  block: GenesisSecretSchema,
  description: "The Go tool's GenesisSecret: the content is the file at `path`.",
  keepsBlock: false,
  check: loaded,
  tools: [],
  render: renderGenesisSecret,
});
