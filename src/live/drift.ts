/**
 * State against the live cluster: objects changed by hand (field level),
 * objects deleted by hand, and objects in the namespaces Tazuna manages that
 * nothing declares (hand-installed leftovers to fold back in or drop).
 * Reads only: the refresh is a preview, and the leftover scan is kubectl get.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { z } from "zod";
import { kubectl } from "./kubectl";
import { ObjectMetaSchema } from "../render/objects";
import { installedObjects, type InstalledObject } from "../state/inventory";
import { nameOf, objectResourceName } from "../program/urns";

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

/** A refresh preview reports, per resource, what reading it back from the cluster would change. */
async function refreshDrift(stack: Stack, installed: InstalledObject[]): Promise<DriftEntry[]> {
  const out: DriftEntry[] = [];
  await stack.refresh({
    previewOnly: true,
    onEvent: (e) => {
      const m = e.resOutputsEvent?.metadata;
      if (!m || !m.type.startsWith("kubernetes:") || m.type.startsWith("kubernetes:yaml")) return;
      const name = nameOf(m.urn);
      const kind = m.type.split(":").pop();
      const obj = installed.find(
        (i) => i.kind === kind && name === objectResourceName(i.addon, i.namespace, i.name),
      );
      if (!obj) return;
      const base = { addon: obj.addon, kind: obj.kind, namespace: obj.namespace, name: obj.name };
      const fields = Object.keys(m.detailedDiff ?? {}).filter((f) => !/^(status|metadata)(\.|$)/.test(f));
      if (m.op === "delete") out.push({ drift: "deleted", ...base, fields: [] });
      else if (m.op === "update" && fields.length > 0) out.push({ drift: "changed", ...base, fields });
    },
  });
  return out;
}

const ListSchema = z.object({
  items: z.array(
    z.object({ kind: z.string(), metadata: ObjectMetaSchema, type: z.string().optional() }).loose(),
  ),
});

async function leftovers(
  kubeconfig: string,
  context: string,
  installed: InstalledObject[],
): Promise<DriftEntry[]> {
  const run = (args: string[]) => kubectl({ kubeconfig, context }, args);
  const namespaces = [
    ...new Set(
      installed
        .map((i) => (i.kind === "Namespace" ? i.name : i.namespace))
        .filter((n) => n && n !== "kube-system" && n !== "default"),
    ),
  ];
  if (namespaces.length === 0) return [];
  const types = (await run(["api-resources", "--verbs=list", "--namespaced", "-o", "name"]))
    .split("\n")
    .filter((t) => t && !/^(events|pods|endpoints|leases)(\.|$)/.test(t));
  const known = new Set(installed.map((i) => `${i.kind}/${i.namespace}/${i.name}`));
  const out: DriftEntry[] = [];
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
      if (!known.has(`${o.kind}/${ns}/${o.metadata.name}`)) {
        out.push({
          drift: "undeclared",
          addon: "",
          kind: o.kind,
          namespace: ns,
          name: o.metadata.name,
          fields: [],
        });
      }
    }
  }
  return out;
}

export async function driftOf(stack: Stack, kubeconfig: string, context: string): Promise<DriftEntry[]> {
  const installed = await installedObjects(stack);
  return [...(await refreshDrift(stack, installed)), ...(await leftovers(kubeconfig, context, installed))];
}
