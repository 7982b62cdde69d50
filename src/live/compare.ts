/**
 * Two clusters of the same role side by side: what each declares (rendered
 * with its own stack variables) and what each runs (the live objects its
 * state installed), object by object and field by field.
 */
import diff from "microdiff";
import { z } from "zod";
import { kubectl } from "../kube/kubectl";
import { ObjectMetaSchema, declaredContent, type K8sObject } from "../kube/objects";
import type { InstalledObject } from "../state/inventory";

export interface Placed {
  addon: string;
  object: Record<string, unknown>;
}

export interface ObjectDiff {
  only: "a" | "b" | "both";
  addon: string;
  kind: string;
  namespace: string;
  name: string;
  /** Field paths that differ, for objects both sides have. */
  fields: string[];
}

const Meta = z.object({ kind: z.string(), metadata: ObjectMetaSchema }).loose();

const keyOf = (o: Record<string, unknown>): string => {
  const m = Meta.parse(o);
  return `${m.kind}/${m.metadata.namespace ?? ""}/${m.metadata.name}`;
};

function fieldsBetween(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const paths = diff(declaredContent(a), declaredContent(b)).map((d) => d.path.join("."));
  return [...new Set(paths)].sort();
}

export function compareObjects(a: Map<string, Placed>, b: Map<string, Placed>): ObjectDiff[] {
  const out: ObjectDiff[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const [kind = "", namespace = "", name = ""] = key.split("/");
    const x = a.get(key);
    const y = b.get(key);
    const addon = (x ?? y)?.addon ?? "";
    if (!y) out.push({ only: "a", addon, kind, namespace, name, fields: [] });
    else if (!x) out.push({ only: "b", addon, kind, namespace, name, fields: [] });
    else {
      const fields = fieldsBetween(x.object, y.object);
      if (fields.length > 0) out.push({ only: "both", addon, kind, namespace, name, fields });
    }
  }
  return out;
}

export function placedRender(rendered: Map<string, K8sObject[]>): Map<string, Placed> {
  const out = new Map<string, Placed>();
  for (const [addon, objs] of rendered) for (const o of objs) out.set(keyOf(o), { addon, object: o });
  return out;
}

const ObjectSchema = z.record(z.string(), z.unknown());
const ListSchema = z.object({ items: z.array(ObjectSchema) }).loose();

/** The live versions of the installed objects, read in one `kubectl get -f -`. */
export async function placedLive(
  kubeconfig: string,
  context: string,
  installed: InstalledObject[],
): Promise<Map<string, Placed>> {
  const out = new Map<string, Placed>();
  if (installed.length === 0) return out;
  const refs = installed.map((i) => ({
    apiVersion: i.apiVersion,
    kind: i.kind,
    metadata: { name: i.name, ...(i.namespace ? { namespace: i.namespace } : {}) },
  }));
  const listed = await kubectl(
    { kubeconfig, context },
    ["get", "-f", "-", "--ignore-not-found", "-o", "json"],
    JSON.stringify({ apiVersion: "v1", kind: "List", items: refs }),
  );
  const addonOf = new Map(installed.map((i) => [`${i.kind}/${i.namespace}/${i.name}`, i.addon]));
  const doc: unknown = JSON.parse(listed || '{"items":[]}');
  // kubectl prints a List for several objects and the object itself for one.
  const list = ListSchema.safeParse(doc);
  const items = list.success ? list.data.items : [ObjectSchema.parse(doc)];
  for (const o of items) out.set(keyOf(o), { addon: addonOf.get(keyOf(o)) ?? "", object: o });
  return out;
}
