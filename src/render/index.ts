/**
 * Renders add-ons to Kubernetes objects, each with its own tool. Independent
 * add-ons render concurrently; the result keeps declaration order.
 */
import { inSpan } from "../trace/tracing";
import pLimit from "p-limit";
import type { Addon } from "../config/model";
import { DuplicateObjectError } from "../errors/render";
import { renderHelm } from "./helm";
import { renderHelmfile } from "./helmfile";
import { renderKustomize } from "./kustomize";
import { renderManifests } from "./manifests";
import { isClusterScoped, splitApiVersion, type K8sObject } from "../kube/objects";
import { renderPlugin } from "./plugin";
import { renderOras } from "./oras";
import { renderGenesisSecret } from "./genesis-secret";

export type { K8sObject } from "../kube/objects";

export async function renderAddon(a: Addon): Promise<K8sObject[]> {
  switch (a.type) {
    case "kustomize":
      return renderKustomize(a);
    case "helm":
      return renderHelm(a);
    case "helmfile":
      return renderHelmfile(a);
    case "manifests":
      return renderManifests(a);
    case "plugin":
      return renderPlugin(a);
    case "oras":
      return renderOras(a);
    case "genesissecret":
      return renderGenesisSecret(a);
  }
}

/** One add-on's render in a span of its own: its type, what it waits on, how many objects it made. */
function tracedRender(a: Addon): Promise<K8sObject[]> {
  const attributes = {
    "tazuna.addon": a.name,
    "tazuna.addon.type": a.type,
    "tazuna.addon.depends_on": [...a.dependsOn],
  };
  return inSpan(`render ${a.name}`, attributes, async (span) => {
    const objects = await renderAddon(a);
    span.set({ "tazuna.objects": objects.length });
    return objects;
  });
}

export async function renderAll(
  addons: readonly Addon[],
  concurrency = 4,
): Promise<Map<string, K8sObject[]>> {
  const limit = pLimit(concurrency);
  const rendered = await Promise.all(
    addons.map((a) => limit(async () => [a.name, await tracedRender(a)] as const)),
  );
  const out = withoutClusterScopedNamespaces(new Map(rendered));
  refuseDuplicates(out);
  return out;
}

/**
 * One live object, one owner: an object rendered twice would be two
 * resources fighting over it, and deleting either deletes it. The version
 * is left out of the identity: v1beta1 and v1 of a kind are the same object.
 */
export function refuseDuplicates(rendered: Map<string, K8sObject[]>): void {
  const owner = new Map<string, string>();
  for (const [addon, objects] of rendered)
    for (const o of objects) {
      const ns = o.metadata.namespace ?? "";
      const label = `${o.kind} ${ns ? `${ns}/` : ""}${o.metadata.name}`;
      const key = `${splitApiVersion(o.apiVersion).group}/${label}`;
      const first = owner.get(key);
      if (first !== undefined) throw new DuplicateObjectError(label, [first, addon]);
      owner.set(key, addon);
    }
}

/**
 * Tools such as kustomize's `namespace:` put a namespace on cluster-scoped
 * custom objects too; the API server ignores it. Drop it, looking at the CRDs
 * of every add-on, so rendered output, state and plans name objects alike.
 */
function withoutClusterScopedNamespaces(rendered: Map<string, K8sObject[]>): Map<string, K8sObject[]> {
  const all = [...rendered.values()].flat();
  const strip = (o: K8sObject): K8sObject => {
    if (!o.metadata.namespace || !isClusterScoped(o, all)) return o;
    const { namespace: _ns, ...metadata } = o.metadata;
    return { ...o, metadata: { ...metadata, name: o.metadata.name } };
  };
  return new Map([...rendered].map(([name, objs]) => [name, objs.map(strip)]));
}
