/**
 * Which fields Tazuna owns. Server-side apply gives the applier every field
 * it sends, so a field Tazuna must not fight over is one it never sends:
 * `spec.replicas` of a workload an HPA scales, and each add-on's
 * `ignoreFields`. The objects are changed before they are registered, so
 * state, plans and the cluster agree on what Tazuna declares.
 */
import { z } from "zod";
import type { IgnoreField } from "../config/schema";
import type { K8sObject } from "../kube/objects";

/** An HPA's scale target: the workload whose spec.replicas its controller sets. */
export interface ScaleTarget {
  kind: string;
  namespace: string;
  name: string;
}

const HpaSchema = z.object({
  kind: z.literal("HorizontalPodAutoscaler"),
  metadata: z.object({ namespace: z.string().optional() }).loose(),
  spec: z.object({ scaleTargetRef: z.object({ kind: z.string(), name: z.string() }).loose() }).loose(),
});

/** The scale targets of the HPAs among these objects (rendered, or read live). */
export function scaleTargets(objects: readonly unknown[]): ScaleTarget[] {
  return objects.flatMap((o) => {
    const hpa = HpaSchema.safeParse(o);
    if (!hpa.success) return [];
    const { kind, name } = hpa.data.spec.scaleTargetRef;
    return [{ kind, name, namespace: hpa.data.metadata.namespace ?? "" }];
  });
}

/** Removes a dotted path from a copy of the object; the path's parents stay. */
function without(o: K8sObject, dotted: string): K8sObject {
  const keys = dotted.split(".");
  const copy = structuredClone(o) as Record<string, unknown>;
  let at: Record<string, unknown> | undefined = copy;
  for (const k of keys.slice(0, -1)) {
    const next: unknown = at?.[k];
    at = typeof next === "object" && next !== null ? (next as Record<string, unknown>) : undefined;
  }
  if (at) Reflect.deleteProperty(at, keys[keys.length - 1] ?? "");
  return copy as K8sObject;
}

/**
 * The objects as Tazuna applies them: without spec.replicas where an HPA
 * (declared anywhere, or found live) scales the workload, and without each
 * ignored field.
 */
export function ownedFields(
  objects: readonly K8sObject[],
  targets: readonly ScaleTarget[],
  ignore: readonly IgnoreField[],
): K8sObject[] {
  return objects.map((o) => {
    const ns = o.metadata.namespace ?? "";
    const scaled = targets.some((t) => t.kind === o.kind && t.name === o.metadata.name && t.namespace === ns);
    let out = scaled ? without(o, "spec.replicas") : o;
    for (const f of ignore)
      if (f.kind === o.kind && (f.name === undefined || f.name === o.metadata.name))
        for (const p of f.paths) out = without(out, p);
    return out;
  });
}

/**
 * Whether an object outlives its add-on: helm's own rule, an object marked
 * helm.sh/resource-policy: keep (charts mark their CRDs so), and every CRD
 * unless the add-on says pruneCrds, since deleting a CRD deletes every
 * custom resource of it, in every namespace, whoever made them.
 */
export function keeps(props: Record<string, unknown>, pruneCrds = false): boolean {
  const annotations = (props.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
  if (annotations?.["helm.sh/resource-policy"] === "keep") return true;
  return props.kind === "CustomResourceDefinition" && !pruneCrds;
}
