/**
 * Objects that outlive their add-on (CRDs, helm's keep, hand-offs): the
 * engine leaves them in the cluster, so Tazuna deletes them itself when
 * asked (destroy, --prune-crds). CRDs go last, after whatever their custom
 * resources might depend on, and their custom resources are counted first
 * so the user is told what went with them.
 */
import { kubectl, type ClusterAccess } from "../kube/kubectl";
import { kubectlTarget } from "../kube/objects";
import type { InstalledObject } from "../state/inventory";

export interface CrdRef {
  name: string;
  /** kubectl's resource for its custom resources: <plural>.<group>. */
  resource: string;
}

const isCrd = (o: { kind: string }) => o.kind === "CustomResourceDefinition";

/** The CRD and the resource its custom resources are listed by: a CRD's name is always <plural>.<group>. */
export function crdRef(o: InstalledObject): CrdRef {
  return { name: o.name, resource: o.name };
}

/** How many custom resources of the CRD exist, in every namespace (0 when it is gone). */
export async function customResourceCount(cluster: ClusterAccess, crd: CrdRef): Promise<number> {
  const out = await kubectl(cluster, ["get", crd.resource, "-A", "-o", "name", "--ignore-not-found"]);
  return out.split("\n").filter(Boolean).length;
}

/** Deletes CRDs by name, counting their custom resources first; returns that count. */
export async function deleteCrds(cluster: ClusterAccess, crds: readonly CrdRef[]): Promise<number> {
  if (crds.length === 0) return 0;
  const counts = await Promise.all(crds.map((c) => customResourceCount(cluster, c)));
  // One call for all: the API server deletes them side by side, kubectl waits for the last.
  await kubectl(cluster, [
    "delete",
    "customresourcedefinition",
    ...crds.map((c) => c.name),
    "--ignore-not-found",
    "--wait=true",
  ]);
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * After the engine's destroy: the retained objects it left, deleted here,
 * CRDs last. Returns what was deleted, for the report.
 */
export async function deleteRetained(
  cluster: ClusterAccess,
  installed: readonly InstalledObject[],
): Promise<{ objects: number; crds: number; customResources: number }> {
  const kept = installed.filter((o) => o.retained);
  const others = kept.filter((o) => !isCrd(o));
  // One kubectl per namespace (and one for cluster-wide objects), all at once: a process and a
  // wait per object made destroy several times slower than the same deletes by hand.
  const byNamespace = new Map<string, string[]>();
  for (const o of others)
    byNamespace.set(o.namespace ?? "", [
      ...(byNamespace.get(o.namespace ?? "") ?? []),
      kubectlTarget(o.kind, o.name, o.apiVersion),
    ]);
  await Promise.all(
    [...byNamespace].map(([ns, targets]) =>
      kubectl(cluster, [
        "delete",
        ...targets,
        ...(ns ? ["-n", ns] : []),
        "--ignore-not-found",
        "--wait=true",
      ]),
    ),
  );
  const crds = kept.filter(isCrd).map(crdRef);
  const customResources = await deleteCrds(cluster, crds);
  return { objects: others.length, crds: crds.length, customResources };
}

/** --prune-crds: the CRDs the plan showed as kept go, with their custom resources (counted). */
export async function deleteKeptCrds(
  steps: readonly { op: string; object: string }[],
  cluster: ClusterAccess,
): Promise<string | undefined> {
  const names = steps
    .filter((s) => s.op === "keep" && s.object.includes(":CustomResourceDefinition "))
    .map((s) => s.object.split(" ").pop() ?? "");
  if (names.length === 0) return undefined;
  const crds = await Promise.all(
    names.map(async (name) => {
      const spec = JSON.parse(
        await kubectl(cluster, ["get", "customresourcedefinition", name, "-o", "jsonpath={.spec}"]),
      ) as { group: string; names: { plural: string } };
      return { name, resource: `${spec.names.plural}.${spec.group}` };
    }),
  );
  const customResources = await deleteCrds(cluster, crds);
  return `--prune-crds: deleted ${names.join(", ")} and ${customResources} custom resource(s) of them`;
}
