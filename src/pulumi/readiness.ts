/**
 * Readiness through the Kubernetes provider's own awaiters: Deployments,
 * StatefulSets, DaemonSets and Jobs are awaited by default; CRDs wait for
 * Established; declared `readiness.waitFor` checks become pulumi.com/waitFor
 * annotations; the add-on's timeout becomes pulumi.com/timeoutSeconds.
 */
import type { Addon } from "../config/model";
import type { Wait } from "../config/schema";
import type { K8sObject } from "../render/objects";

export class ReadinessError extends Error {
  constructor(addon: string, wait: Wait) {
    super(
      `add-on "${addon}": readiness.waitFor names ${wait.kind} ${wait.namespace ? `${wait.namespace}/` : ""}${wait.name}, ` +
        `which the add-on does not render\n  fix: fix kind, name or namespace, or use tests.waitUntil for objects made by a controller`,
    );
    this.name = "ReadinessError";
  }
}

function matches(o: K8sObject, w: Wait): boolean {
  return (
    o.kind === w.kind &&
    o.metadata.name === w.name &&
    (w.namespace === undefined || o.metadata.namespace === w.namespace) &&
    (w.apiVersion === undefined || o.apiVersion === w.apiVersion)
  );
}

/** `condition=Ready` or `jsonpath={.status.phase}=Active`, as the provider reads them. */
export function waitForExpression(w: Wait): string[] {
  const out: string[] = [];
  if (w.condition) out.push(`condition=${w.condition}`);
  if (w.jsonpath) out.push(`jsonpath=${w.jsonpath}`);
  return out;
}

export function withReadiness(a: Addon, objs: K8sObject[]): K8sObject[] {
  for (const w of a.readiness.waitFor) {
    if (!objs.some((o) => matches(o, w))) throw new ReadinessError(a.name, w);
  }
  return objs.map((o) => {
    const waits = a.readiness.waitFor.filter((w) => matches(o, w)).flatMap(waitForExpression);
    if (o.kind === "CustomResourceDefinition" && !a.readiness.skip) waits.push("condition=Established");
    const annotations: Record<string, string> = {
      ...((o.metadata.annotations as Record<string, string> | undefined) ?? {}),
      "pulumi.com/timeoutSeconds": String(a.timeoutSeconds),
    };
    if (a.readiness.skip) annotations["pulumi.com/skipAwait"] = "true";
    if (waits.length === 1) annotations["pulumi.com/waitFor"] = waits[0] ?? "";
    if (waits.length > 1) annotations["pulumi.com/waitFor"] = JSON.stringify(waits);
    return { ...o, metadata: { ...o.metadata, annotations } };
  });
}
