/**
 * What "ready" means for an add-on. Tazuna waits itself rather than through
 * the provider's awaiters, so that a timeout names the add-on, the object,
 * the condition and the last events: each gate below becomes a WaitUntil
 * resource, and the provider's own awaiter is turned off where a gate
 * replaces it.
 * - Deployments, StatefulSets, DaemonSets: rollout complete
 * - Jobs: condition Complete
 * - CustomResourceDefinitions: condition Established
 * - every `readiness.waitFor` entry
 */
import { createHash } from "node:crypto";
import type { Addon } from "../config/model";
import type { Wait } from "../config/schema";
import type { K8sObject } from "../render/objects";
import { kubectlTarget } from "../render/objects";

export class ReadinessError extends Error {
  constructor(addon: string, wait: Wait) {
    super(
      `add-on "${addon}": readiness.waitFor names ${wait.kind} ${wait.namespace ? `${wait.namespace}/` : ""}${wait.name}, ` +
        `which the add-on does not render\n  fix: fix kind, name or namespace, or use tests.waitUntil for objects made by a controller`,
    );
    this.name = "ReadinessError";
  }
}

export interface Gate {
  target: string;
  namespace: string;
  forExpr: string;
  timeoutSeconds: number;
  revision: string;
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

const digest = (o: K8sObject) => createHash("sha256").update(JSON.stringify(o)).digest("hex").slice(0, 16);

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
      revision: digest(o),
    }));
  });
}

/** The provider directives forProvider writes as annotations (Tazuna's own objects carry them, adopted ones do not). */
export const PATCH_FORCE = "pulumi.com/patchForce";
export const SKIP_AWAIT = "pulumi.com/skipAwait";
/** Tazuna's own field manager, the Go tool's name too (the provider's default is a random one per object). */
export const FIELD_MANAGER = "pulumi.com/patchFieldManager";
export const OWN_FIELD_MANAGER = "tazuna";
export const DIRECTIVES = [PATCH_FORCE, SKIP_AWAIT, FIELD_MANAGER];

/**
 * Kinds whose provider awaiter Tazuna turns off: workloads, which the gates
 * replace, and Services and Ingresses, whose load-balancer status is not a
 * bootstrap concern. Other kinds keep the provider's behaviour, so deleting a
 * Namespace still waits until it is gone.
 */
const SKIP_AWAIT_KINDS = new Set([...ROLLOUT_KINDS, "Job", "Service", "Ingress"]);

/**
 * Objects as the provider should apply them. The declaration wins over hand
 * edits (`kubectl scale`, `kubectl edit`): server-side apply takes over fields
 * another manager changed instead of failing on the conflict. And no provider
 * waits where a gate replaces them.
 */
export function forProvider(objs: readonly K8sObject[]): K8sObject[] {
  return objs.map((o) => {
    const annotations: Record<string, string> = {
      ...((o.metadata.annotations as Record<string, string> | undefined) ?? {}),
      [PATCH_FORCE]: "true",
      [FIELD_MANAGER]: OWN_FIELD_MANAGER,
    };
    if (SKIP_AWAIT_KINDS.has(o.kind)) annotations[SKIP_AWAIT] = "true";
    return { ...o, metadata: { ...o.metadata, annotations } };
  });
}
