/**
 * What "ready" means for an add-on: the gates its release waits for once
 * its objects are applied (release/ready.ts), so that a timeout names the
 * add-on, the object, the condition and the last events.
 * - Deployments, StatefulSets, DaemonSets: rollout complete
 * - Jobs: condition Complete
 * - CustomResourceDefinitions: condition Established
 * - every `readiness.waitFor` entry
 */
import type { Addon } from "../config/model";
import type { Wait } from "../config/schema";
import type { K8sObject } from "../kube/objects";
import { kubectlTarget } from "../kube/objects";
import type { Gate } from "../release/ready";

export type { Gate };

export class ReadinessError extends Error {
  constructor(addon: string, wait: Wait) {
    super(
      `add-on "${addon}": readiness.waitFor names ${wait.kind} ${wait.namespace ? `${wait.namespace}/` : ""}${wait.name}, ` +
        `which the add-on does not render\n  fix: fix kind, name or namespace, or use tests.waitUntil for objects made by a controller`,
    );
    this.name = "ReadinessError";
  }
}

/** The kubectl wait --for value of a declared check: condition=Ready or jsonpath={...}=value. */
export function waitExpression(w: Wait): string {
  return w.condition ? `condition=${w.condition}` : `jsonpath=${w.jsonpath ?? ""}`;
}

const ROLLOUT_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

function matches(o: K8sObject, w: Wait): boolean {
  return (
    o.kind === w.kind &&
    o.metadata.name === w.name &&
    (w.namespace === undefined || o.metadata.namespace === w.namespace) &&
    (w.apiVersion === undefined || o.apiVersion === w.apiVersion)
  );
}

function builtInCheck(o: K8sObject): string | undefined {
  if (ROLLOUT_KINDS.has(o.kind)) return "rollout";
  if (o.kind === "Job") return "condition=Complete";
  if (o.kind === "CustomResourceDefinition") return "condition=Established";
  return undefined;
}

/** The checks that must pass before the add-on counts as applied. */
export function readinessGates(a: Addon, objs: readonly K8sObject[]): Gate[] {
  for (const w of a.readiness.waitFor) {
    if (!objs.some((o) => matches(o, w))) throw new ReadinessError(a.name, w);
  }
  return objs.flatMap((o) => {
    const checks = a.readiness.waitFor.filter((w) => matches(o, w)).map(waitExpression);
    const builtIn = a.readiness.skip ? undefined : builtInCheck(o);
    if (builtIn) checks.unshift(builtIn);
    return checks.map((forExpr) => ({
      target: kubectlTarget(o.kind, o.metadata.name, o.apiVersion),
      namespace: o.metadata.namespace ?? "",
      forExpr,
      timeoutSeconds: a.timeoutSeconds,
    }));
  });
}
