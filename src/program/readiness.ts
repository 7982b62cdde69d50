/**
 * What "ready" means for an add-on: the gates its release waits for once
 * its objects are applied (release/ready.ts), so that a timeout names the
 * add-on, the object, the condition and the last events.
 * - Deployments, StatefulSets, DaemonSets: rollout complete
 * - Jobs: condition Complete
 * - CustomResourceDefinitions: condition Established
 * - every `readiness.waitFor` entry
 */
import type { Addon } from "../addon-types";
import type { Wait } from "../config/schema";
import type { K8sObject } from "../kube/objects";
import { kubectlTarget } from "../kube/objects";
import type { Gate } from "../release/ready";
import { TazunaError } from "../errors/tazuna-error";
import { builtInReady, declaredReady } from "../config/readiness";

export type { Gate };

export class ReadinessError extends TazunaError {
  constructor(addon: string, wait: Wait) {
    super(
      `add-on "${addon}": readiness.waitFor names ${wait.kind} ${wait.namespace ? `${wait.namespace}/` : ""}${wait.name}, ` +
        `which the add-on does not render\n  fix: fix kind, name or namespace, or use tests.waitUntil for objects made by a controller`,
    );
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

/** The checks that must pass before the add-on counts as applied. */
export function readinessGates(a: Addon, objs: readonly K8sObject[]): Gate[] {
  for (const w of a.readiness.waitFor) {
    if (!objs.some((o) => matches(o, w))) throw new ReadinessError(a.name, w);
  }
  return objs.flatMap((o) => {
    const checks = a.readiness.waitFor.filter((w) => matches(o, w)).map(declaredReady);
    const builtIn = a.readiness.skip ? undefined : builtInReady(o.kind);
    if (builtIn) checks.unshift(builtIn);
    return checks.map((ready) => ({
      target: kubectlTarget(o.kind, o.metadata.name, o.apiVersion),
      namespace: o.metadata.namespace ?? "",
      ready,
      timeoutSeconds: a.timeoutSeconds,
    }));
  });
}
