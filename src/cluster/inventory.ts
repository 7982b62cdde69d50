/**
 * Every object a cluster holds, by apiVersion/kind/namespace/name: what
 * `tazuna verify` compares before an apply and after the destroy. Events and
 * Leases come and go on their own and are left out, as are Endpoints and
 * EndpointSlices, which controllers keep for Services.
 */
import type { Kubectl } from "./kubectl";
import { listableTypes } from "../kube/kubectl";

const TRANSIENT = new Set([
  "events",
  "events.events.k8s.io",
  "leases.coordination.k8s.io",
  "endpoints",
  "endpointslices.discovery.k8s.io",
]);

interface Listed {
  items: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }[];
}

export async function inventory(k: Kubectl, context: string): Promise<Set<string>> {
  // An aggregated API that is down is left out of both inventories alike.
  const listable = await listableTypes({ kubeconfig: k.kubeconfig, context }, "all");
  const kinds = listable.types.filter((r) => !TRANSIENT.has(r));
  const listed = JSON.parse(await k(["get", kinds.join(","), "--all-namespaces", "-o", "json"])) as Listed;
  return new Set(
    listed.items.map(
      (o) =>
        `${o.apiVersion} ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`,
    ),
  );
}

/** What is there now and was not before, and what was there and is gone. */
export function inventoryDiff(
  before: Set<string>,
  after: Set<string>,
): { added: string[]; removed: string[] } {
  return {
    added: [...after].filter((x) => !before.has(x)).sort(),
    removed: [...before].filter((x) => !after.has(x)).sort(),
  };
}
