/**
 * State against the live cluster: objects changed by hand (field level),
 * objects deleted by hand, and objects in the namespaces Tazuna manages that
 * nothing declares (hand-installed leftovers to fold back in or drop).
 * Reads only: the refresh is a preview, and the leftover scan is kubectl get.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { z } from "zod";
import { kubectl, listableTypes } from "../kube/kubectl";
import { ObjectMetaSchema } from "../kube/objects";
import { installedObjects, type InstalledObject } from "../state/inventory";
import { kubectlTarget } from "../kube/objects";

export interface DriftEntry {
  drift: "changed" | "deleted" | "undeclared";
  addon: string;
  kind: string;
  namespace: string;
  name: string;
  fields: string[];
}

/** Objects that controllers make in every namespace, or that belong to another object. */
const NOT_LEFTOVERS = new Set([
  "Event",
  "Endpoints",
  "EndpointSlice",
  "Pod",
  "ReplicaSet",
  "ControllerRevision",
  "Lease",
]);
const DEFAULT_OBJECTS = new Set(["ServiceAccount/default", "ConfigMap/kube-root-ca.crt"]);

const ListSchema = z.object({
  items: z.array(
    z
      .object({
        apiVersion: z.string(),
        kind: z.string(),
        metadata: ObjectMetaSchema,
        type: z.string().optional(),
      })
      .loose(),
  ),
});

/** An undeclared object, with what `kubectl delete` needs to name it unambiguously. */
export interface Leftover {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** kubectl's TYPE[.VERSION.GROUP]/NAME for a leftover. */
export const leftoverRef = (l: Leftover): string => kubectlTarget(l.kind, l.name, l.apiVersion);

/**
 * Objects in the namespaces Tazuna manages that nothing declares: not made
 * by a controller for another object, not a namespace's defaults.
 */
export async function leftoverObjects(
  kubeconfig: string,
  context: string,
  installed: InstalledObject[],
): Promise<Leftover[]> {
  const run = (args: string[]) => kubectl({ kubeconfig, context }, args);
  const namespaces = [
    ...new Set(
      installed
        .map((i) => (i.kind === "Namespace" ? i.name : i.namespace))
        .filter((n) => n && n !== "kube-system" && n !== "default"),
    ),
  ];
  if (namespaces.length === 0) return [];
  const listable = await listableTypes({ kubeconfig, context }, { namespaced: true });
  if (listable.unavailable.length > 0)
    process.stderr.write(
      `warning: ${listable.unavailable.join(", ")} cannot be listed (its aggregated API is down): leftovers of those types are not looked for\n`,
    );
  const types = listable.types.filter((t) => !/^(events|pods|endpoints|leases)(\.|$)/.test(t));
  const known = new Set(installed.map((i) => `${i.kind}/${i.namespace}/${i.name}`));
  const out: Leftover[] = [];
  for (const ns of namespaces) {
    const listed = await run(["get", types.join(","), "-n", ns, "-o", "json"]);
    for (const o of ListSchema.parse(JSON.parse(listed)).items) {
      const id = `${o.kind}/${o.metadata.name}`;
      if (
        NOT_LEFTOVERS.has(o.kind) ||
        DEFAULT_OBJECTS.has(id) ||
        (o.metadata.ownerReferences ?? []).length > 0
      )
        continue;
      if (o.kind === "Secret" && o.type === "kubernetes.io/service-account-token") continue;
      if (!known.has(`${o.kind}/${ns}/${o.metadata.name}`))
        out.push({ apiVersion: o.apiVersion, kind: o.kind, namespace: ns, name: o.metadata.name });
    }
  }
  return out;
}

/**
 * Drift: objects changed or deleted in the cluster (`edits`: what the
 * releases' plan finds), and leftovers.
 */
export async function driftOf(
  stack: Stack,
  kubeconfig: string,
  context: string,
  edits: () => Promise<DriftEntry[]>,
): Promise<DriftEntry[]> {
  const installed = await installedObjects(stack);
  const undeclared = (await leftoverObjects(kubeconfig, context, installed)).map((l): DriftEntry => ({
    drift: "undeclared",
    addon: "",
    kind: l.kind,
    namespace: l.namespace,
    name: l.name,
    fields: [],
  }));
  return [...(await edits()), ...undeclared];
}

/** Deletes leftovers, each by its full type so a kind in two groups is never mistaken. */
export async function deleteLeftovers(kubeconfig: string, context: string, list: Leftover[]): Promise<void> {
  for (const l of list)
    await kubectl({ kubeconfig, context }, [
      "delete",
      leftoverRef(l),
      "-n",
      l.namespace,
      "--ignore-not-found",
      "--wait=true",
    ]);
}

/** What --prune-leftovers will delete, listed before the question: nothing is deleted that was not shown. */
export function leftoversToDelete(leftovers: readonly Leftover[]): string {
  return leftovers.length === 0
    ? "no leftovers in the namespaces Tazuna manages"
    : `leftovers to delete (in namespaces Tazuna manages, declared by no add-on):\n${leftovers.map((l) => `  - ${leftoverKey(l)}`).join("\n")}`;
}

/** A leftover as kubectl names it, with its namespace: what is shown and then deleted. */
export const leftoverKey = (l: Leftover): string => `${leftoverRef(l)} -n ${l.namespace}`;

/** Deletes the leftovers that were shown and are still undeclared after the apply. */
export async function deleteShownLeftovers(
  shown: Leftover[],
  kubeconfig: string,
  context: string,
  stack: Stack,
): Promise<string[]> {
  if (shown.length === 0) return [];
  const still = new Set(
    (await leftoverObjects(kubeconfig, context, await installedObjects(stack))).map(leftoverKey),
  );
  const doomed = shown.filter((l) => still.has(leftoverKey(l)));
  await deleteLeftovers(kubeconfig, context, doomed);
  return doomed.map(leftoverKey);
}
