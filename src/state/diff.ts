/**
 * Declaration against state, without a cluster: objects the declaration adds,
 * objects state has that the declaration no longer renders, and objects whose
 * declared content differs from what was last applied.
 */
import { isDeepStrictEqual } from "node:util";
import { declaredContent, type K8sObject } from "../kube/objects";
import { fingerprint } from "../release/inventory";
import type { InstalledObject } from "./inventory";

export interface StateDiffEntry {
  change: "added" | "removed" | "modified";
  addon: string;
  kind: string;
  namespace: string;
  name: string;
}

const keyOf = (addon: string, kind: string, ns: string, name: string) => `${addon}/${kind}/${ns}/${name}`;

/**
 * `rendered`: each add-on's objects as its apply sends them (without the
 * fields an HPA or the declaration's ignoreFields leave to others), which
 * is what a release's fingerprint was taken of.
 */
export function diffStateAgainst(
  rendered: Map<string, K8sObject[]>,
  installed: InstalledObject[],
): StateDiffEntry[] {
  const inState = new Map(installed.map((i) => [keyOf(i.addon, i.kind, i.namespace, i.name), i]));
  const out: StateDiffEntry[] = [];
  const seen = new Set<string>();
  for (const [addon, objs] of rendered) {
    for (const o of objs) {
      const ns = o.metadata.namespace ?? "";
      const key = keyOf(addon, o.kind, ns, o.metadata.name);
      seen.add(key);
      const prev = inState.get(key);
      const entry = { addon, kind: o.kind, namespace: ns, name: o.metadata.name };
      if (!prev) out.push({ change: "added", ...entry });
      else if (changed(prev, o)) out.push({ change: "modified", ...entry });
    }
  }
  for (const i of installed) {
    if (!seen.has(keyOf(i.addon, i.kind, i.namespace, i.name))) {
      out.push({ change: "removed", addon: i.addon, kind: i.kind, namespace: i.namespace, name: i.name });
    }
  }
  return out;
}

/** A release keeps a fingerprint of each object it applied; the per-object engine kept the object. */
function changed(prev: InstalledObject, o: K8sObject): boolean {
  if (prev.fingerprint) return fingerprint(o, prev.fingerprint.key) !== prev.fingerprint.value;
  return prev.applied !== undefined && !isDeepStrictEqual(declaredContent(prev.applied), declaredContent(o));
}
