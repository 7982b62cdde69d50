/**
 * What applying a release would change, object by object, found the way
 * `kubectl diff --server-side --force-conflicts` finds it: read the live
 * object, ask the API server what a forced apply would make of it (dry-run),
 * and compare. This sees any declared field someone else changed (kubectl
 * label/annotate/edit, another apply manager), and any they took over with
 * the same value, since a forced apply would take it back. No refresh pass
 * and nothing from state but the inventory.
 */
import diff from "microdiff";
import { z } from "zod";
import type { K8sObject } from "../render/objects";
import { ApiError, type Client, type Ref } from "./client";
import { FIELD_MANAGER, bounded, dryRunApply } from "./apply";
import { entryKey, fingerprint, keyOf, type Entry } from "./inventory";

export const ObjectChangeSchema = z.object({
  op: z.enum(["create", "update", "delete", "keep"]),
  /** apiVersion:Kind namespace/name */
  object: z.string(),
  /** Field paths an update changes (never values); for keep, why it stays. */
  fields: z.array(z.string()),
  /** The declaration did not change: the change undoes an edit made in the cluster. */
  drift: z.boolean(),
});
export type ObjectChange = z.infer<typeof ObjectChangeSchema>;

export const ReleasePlanSchema = z.object({
  changes: z.array(ObjectChangeSchema),
  /** Declared content changed where the cluster already matches it: only the inventory is rewritten. */
  inventoryOnly: z.boolean(),
});
export type ReleasePlan = z.infer<typeof ReleasePlanSchema>;

export interface Recorded {
  inventory: readonly Entry[];
  kept: readonly string[];
  key: string;
}

export const objectLabel = (r: Ref): string =>
  `${r.apiVersion}:${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;

const refOf = (o: K8sObject): Ref => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
});

type Json = Record<string, unknown>;

/** What the server keeps for itself, and what an apply changes on every object. */
const VOLATILE = ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"];

function content(o: Json): Json {
  const meta = { ...(o.metadata as Json | undefined) };
  for (const k of VOLATILE) Reflect.deleteProperty(meta, k);
  return { ...o, metadata: meta };
}

interface ManagedEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsV1?: unknown;
}

/** The leaf paths of a fieldsV1 set: `f:metadata` `f:labels` `f:team` is metadata.labels.team. */
function leafPaths(fields: unknown, prefix: string[] = []): string[] {
  if (typeof fields !== "object" || fields === null) return [];
  const children = Object.entries(fields).filter(([k]) => k !== ".");
  if (children.length === 0) return [pathText(prefix)];
  // f:name is a field; k:{...}, v:... and i:N name list items, kept as the API server writes them.
  return children.flatMap(([k, v]) => leafPaths(v, [...prefix, k.replace(/^f:/, "")]));
}

/** The fields Tazuna's apply owns in an object, as paths. */
function ownedByTazuna(o: Json): Set<string> {
  const managed = ((o.metadata as Json | undefined)?.managedFields ?? []) as ManagedEntry[];
  const mine = managed.filter(
    (m) => m.manager === FIELD_MANAGER && m.operation === "Apply" && !m.subresource,
  );
  return new Set(mine.flatMap((m) => leafPaths(m.fieldsV1)));
}

/** Pulumi's and kubectl's path style: metadata.labels["app.kubernetes.io/name"], containers[0].image. */
export function pathText(path: readonly (string | number)[]): string {
  return path
    .map((p, i) => {
      if (typeof p === "number") return `[${p}]`;
      if (/^[A-Za-z_$][\w$-]*$/.test(p)) return i === 0 ? p : `.${p}`;
      return `[${JSON.stringify(p)}]`;
    })
    .join("");
}

/** Field paths a forced apply would change or take back, between the live object and the dry-run's answer. */
export function changedFields(live: Json, applied: Json): string[] {
  const changed = diff(content(live), content(applied)).map((d) => pathText(d.path));
  const before = ownedByTazuna(live);
  const taken = [...ownedByTazuna(applied)].filter((p) => !before.has(p));
  return [...new Set([...changed, ...taken])].sort();
}

async function getLive(api: Client, r: Ref): Promise<Json | undefined> {
  try {
    return (await api.request("GET", await api.path(r))) as Json;
  } catch (err) {
    // Gone, or of a kind the cluster does not serve yet (its CRD comes with this apply).
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

async function objectChange(
  api: Client,
  o: K8sObject,
  recorded: Entry | undefined,
  key: string,
  createOnly: boolean,
): Promise<{ change?: ObjectChange; declared: boolean }> {
  const unchanged = recorded !== undefined && recorded.fingerprint === fingerprint(o, key);
  const object = objectLabel(refOf(o));
  const live = await getLive(api, refOf(o));
  if (!live) return { change: { op: "create", object, fields: [], drift: unchanged }, declared: !unchanged };
  if (createOnly) return { declared: false };
  const fields = changedFields(live, (await dryRunApply(api, o)) as Json);
  if (fields.length === 0 && recorded) return { declared: !unchanged };
  return { change: { op: "update", object, fields, drift: unchanged }, declared: !unchanged };
}

/**
 * The release's plan: each declared object against the live cluster, in
 * parallel, then what left the add-on (deleted, or kept by policy).
 * `claimedElsewhere`: moved to another add-on, so neither.
 */
export async function planRelease(
  api: Client,
  objects: readonly K8sObject[],
  claimedElsewhere: readonly string[],
  old: Recorded | undefined,
  opts: { key: string; createOnly?: boolean },
): Promise<ReleasePlan> {
  const recorded = new Map((old?.inventory ?? []).map((e) => [keyOf(e), e]));
  const found: ({ change?: ObjectChange; declared: boolean } | undefined)[] = [];
  await bounded([...objects.keys()], 8, async (i) => {
    const o = objects[i] as K8sObject;
    found[i] = await objectChange(api, o, recorded.get(entryKey(o)), opts.key, opts.createOnly ?? false);
  });
  const changes = found.flatMap((f) => (f?.change ? [f.change] : []));
  const inventoryOnly = changes.length === 0 && found.some((f) => f?.declared);
  const now = new Set([...objects.map(entryKey), ...claimedElsewhere]);
  const kept = new Set(old?.kept ?? []);
  for (const e of old?.inventory ?? []) {
    if (now.has(keyOf(e))) continue;
    const object = objectLabel(e);
    if (kept.has(keyOf(e))) changes.push({ op: "keep", object, fields: [whyKept(e)], drift: false });
    else changes.push({ op: "delete", object, fields: [], drift: false });
  }
  return { changes, inventoryOnly };
}

function whyKept(e: Entry): string {
  return e.kind === "CustomResourceDefinition"
    ? "a CRD outlives its add-on, with its custom resources; --prune-crds deletes them"
    : "kept by policy (helm.sh/resource-policy: keep, or handed off); left in the cluster, no longer managed";
}

/**
 * Where the provider leaves each release's plan for the tazuna command
 * that asked for one (plan, state drift): `<dir>/<manifest file>.plan.json`.
 * Unset for apply, which needs no list and so pays for no reads it does not use.
 */
/** A release's resource type in state and in the engine's events. */
export const RELEASE_TYPE = "pulumi-nodejs:dynamic/tazuna:Release";

export const PLAN_DIR_ENV = "TAZUNA_PLAN_DIR";

export const planFileOf = (dir: string, manifest: string): string =>
  `${dir}/${manifest.split("/").pop() ?? manifest}.plan.json`;
