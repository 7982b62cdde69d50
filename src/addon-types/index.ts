/**
 * The add-on types: one module each (its block, checks, renderer and
 * tools), listed once here. An add-on of any of them is an `Addon`.
 * Add-ons render concurrently, each with its type's tool; the result keeps
 * declaration order.
 */
import { inSpan } from "../trace/tracing";
import pLimit from "p-limit";
import type { z } from "zod";
import type { AddonBase } from "../config/model";
import { DuplicateObjectError } from "../errors/render";
import { isClusterScoped, splitApiVersion, type K8sObject } from "../kube/objects";

import { genesissecret } from "./genesissecret";
import { helm } from "./helm";
import { helmfile } from "./helmfile";
import { kustomize } from "./kustomize";
import { manifests } from "./manifests";
import { oras } from "./oras";
import { plugin } from "./plugin";

export type { K8sObject } from "../kube/objects";

/** Every add-on type, in the order tazuna.yaml's reference lists them. A new type is one module and one entry here. */
export const ADDON_TYPES = [kustomize, helmfile, helm, manifests, plugin, oras, genesissecret] as const;

export type Types = (typeof ADDON_TYPES)[number];
export type AddonTypeName = Types["name"];
export const ADDON_TYPE_NAMES = ADDON_TYPES.map((t) => t.name) as [AddonTypeName, ...AddonTypeName[]];

/**
 * Each type's block under its field; but genesissecret's block only marks
 * the type, and under its field an add-on holds the GenesisSecret file it
 * names (AddonBase.genesisSecret).
 */
export type AddonBlocks = { [T in Exclude<Types, typeof genesissecret> as T["field"]]?: z.infer<T["block"]> };

/** A loaded add-on: what every add-on has, and the block of its type. */
export type Addon = Omit<AddonBase, "type"> & { type: AddonTypeName } & AddonBlocks;

/** The module of a type by its name. */
export function addonTypeOf(name: AddonTypeName): Types {
  const t = ADDON_TYPES.find((x) => x.name === name);
  if (!t) throw new Error(`no add-on type ${name}`);
  return t;
}

export function renderAddon(a: Addon): Promise<K8sObject[]> {
  // Each type's renderer takes an add-on with its own block, which `a` is.
  const render = addonTypeOf(a.type).render as (a: Addon) => Promise<K8sObject[]>;
  return render(a);
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
