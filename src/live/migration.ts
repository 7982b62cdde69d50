/**
 * What `tazuna migrate` takes over from the Go tool: for each add-on, the
 * verdict (taken when every rendered object is recorded in the Go tool's
 * state and exists; else why not), and what the Go tool recorded that no
 * add-on renders.
 */
import type { K8sObject } from "../kube/objects";
import { splitApiVersion } from "../kube/objects";
import { kubectl } from "../kube/kubectl";
import type { GoStateEntry } from "./go-state";

const recordKey = (group: string, kind: string, ns: string, name: string) => `${group}/${kind}/${ns}/${name}`;
const objectKey = (o: K8sObject) =>
  recordKey(splitApiVersion(o.apiVersion).group, o.kind, o.metadata.namespace ?? "", o.metadata.name);

export interface AddonVerdict {
  addon: string;
  objects: K8sObject[];
  /** Why it is not taken; undefined when it is. */
  reason?: string;
}

export async function liveKeys(
  kubeconfig: string,
  context: string,
  objects: K8sObject[],
): Promise<Set<string>> {
  if (objects.length === 0) return new Set();
  const out = await kubectl(
    { kubeconfig, context },
    ["get", "-f", "-", "-o", "json", "--ignore-not-found"],
    objects.map((o) => JSON.stringify(o)).join("\n"),
  );
  const items = out.trim()
    ? ((JSON.parse(out) as { items?: K8sObject[] }).items ?? [JSON.parse(out) as K8sObject])
    : [];
  return new Set(items.map(objectKey));
}

export async function verdicts(
  rendered: Map<string, K8sObject[]>,
  recorded: GoStateEntry[],
  managed: Set<string>,
  live: (objs: K8sObject[]) => Promise<Set<string>>,
): Promise<AddonVerdict[]> {
  const out: AddonVerdict[] = [];
  for (const [addon, objects] of rendered) {
    const mine = new Set(
      recorded
        .filter((e) => e.manifest === addon)
        .map((e) => recordKey(e.group, e.kind, e.namespace, e.name)),
    );
    const unrecorded = objects.filter((o) => !mine.has(objectKey(o)));
    const present = await live(objects);
    const missing = objects.filter((o) => !present.has(objectKey(o)));
    const reason = managed.has(addon)
      ? "already in this stack's state"
      : mine.size === 0
        ? "the Go tool recorded nothing for it"
        : unrecorded.length > 0
          ? `${unrecorded.length} of its objects are not in the Go tool's state (${unrecorded.map(objectKey).slice(0, 3).join(", ")})`
          : missing.length > 0
            ? `${missing.length} of its objects are not in the cluster (${missing.map(objectKey).slice(0, 3).join(", ")})`
            : undefined;
    out.push({ addon, objects, ...(reason ? { reason } : {}) });
  }
  return out;
}

/** Recorded objects that no add-on renders (a renamed or removed manifest, a changed chart). */
export function unmatched(rendered: Map<string, K8sObject[]>, recorded: GoStateEntry[]): GoStateEntry[] {
  return recorded.filter((e) => {
    const objs = rendered.get(e.manifest);
    return !objs?.some((o) => objectKey(o) === recordKey(e.group, e.kind, e.namespace, e.name));
  });
}

export const entryText = (e: GoStateEntry) =>
  `${e.manifest}: ${e.group ? `${e.group}/` : ""}${e.version}/${e.kind} ${e.namespace ? `${e.namespace}/` : ""}${e.name}`;
