/**
 * One leftover folded back: read with its managedFields, cleaned of
 * server-set fields, and either left to the manager that wrote it last
 * (later changes are applied under its name) or, with --take-ownership,
 * made Tazuna's with one forced apply of the unchanged content.
 */
import { FIELD_MANAGER as OWN_FIELD_MANAGER } from "../release/apply";
import { kubectl, type ClusterAccess } from "../kube/kubectl";
import { asDeclared, type K8sObject } from "../kube/objects";
import { leftoverRef, type Leftover } from "./drift";

type Live = K8sObject & { metadata: { managedFields?: { manager?: string; time?: string }[] } };

/** The manager that wrote the object last: later changes are applied under its name (an Apply manager's, without conflict). */
function lastManager(o: Live): string | undefined {
  const fields = [...(o.metadata.managedFields ?? [])].sort((a, b) =>
    (a.time ?? "").localeCompare(b.time ?? ""),
  );
  return fields.at(-1)?.manager;
}

/**
 * The one write of --take-ownership. A release applies the declared fields
 * by forced server-side apply, so the same apply of the unchanged content
 * makes them Tazuna's (server-set fields such as a Service's clusterIP stay
 * with their writer: a release that owned them without declaring them would
 * drop them).
 */
function takeOwnership(declaredObject: unknown): { args: string[]; input: string } {
  return {
    args: ["apply", "--server-side", "--force-conflicts", `--field-manager=${OWN_FIELD_MANAGER}`, "-f", "-"],
    input: JSON.stringify(declaredObject),
  };
}

/** The object as it will be declared, and the field manager its fields count as Tazuna's under. */
export async function foldObject(
  cluster: ClusterAccess,
  l: Leftover,
  own: boolean,
): Promise<{ declared: K8sObject; manager: string | undefined }> {
  const live = JSON.parse(
    // kubectl hides managedFields by default; the last manager and the ownership patch need them.
    await kubectl(cluster, ["get", leftoverRef(l), "-n", l.namespace, "-o", "json", "--show-managed-fields"]),
  ) as Live;
  const declared = asDeclared(live);
  if (!own) return { declared, manager: lastManager(live) };
  const { args, input } = takeOwnership(declared);
  await kubectl(cluster, args, input);
  return { declared, manager: OWN_FIELD_MANAGER };
}
