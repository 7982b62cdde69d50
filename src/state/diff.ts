/**
 * Declaration against state, without a cluster: objects the declaration adds,
 * objects state has that the declaration no longer renders, and objects whose
 * declared content differs from what was last applied.
 */
import { isDeepStrictEqual } from "node:util";
import { declaredContent, type K8sObject } from "../render/objects";
import type { InstalledObject } from "./inventory";

export interface StateDiffEntry {
  change: "added" | "removed" | "modified";
  addon: string;
  kind: string;
  namespace: string;
  name: string;
}

const keyOf = (addon: string, kind: string, ns: string, name: string) => `${addon}/${kind}/${ns}/${name}`;

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
      // A release keeps no object content to compare (its plan compares with the cluster).
      else if (prev.applied && !isDeepStrictEqual(declaredContent(prev.applied), declaredContent(o)))
        out.push({ change: "modified", ...entry });
    }
  }
  for (const i of installed) {
    if (!seen.has(keyOf(i.addon, i.kind, i.namespace, i.name))) {
      out.push({ change: "removed", addon: i.addon, kind: i.kind, namespace: i.namespace, name: i.name });
    }
  }
  return out;
}
