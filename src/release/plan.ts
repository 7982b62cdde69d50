/**
 * What applying a release would change, object by object, found the way
 * `kubectl diff --server-side --force-conflicts` finds it: read the live
 * object, ask the API server what a forced apply would make of it (dry-run),
 * and compare. This sees any declared field someone else changed (kubectl
 * label/annotate/edit, another apply manager), and any they took over with
 * the same value, since a forced apply would take it back. No refresh pass
 * and nothing from state but the inventory.
 */
import diff, { type Difference } from "microdiff";
import { z } from "zod";
import type { K8sObject } from "../kube/objects";
import { ApiError, type Client, type Ref } from "../kube/client";
import { FIELD_MANAGER, bounded, dryRunApply, refOf } from "./apply";
import { entryKey, fingerprint, keyOf, type Entry } from "./inventory";
import { leftBy, type PruneRule } from "./prune";

export const ObjectChangeSchema = z.object({
  op: z.enum(["create", "update", "delete", "keep"]),
  /** group/version:Kind namespace/name (objectLabel) */
  object: z.string(),
  /** Field paths an update changes (never values); for delete and keep, the setting or policy that decides. */
  fields: z.array(z.string()),
  /** The declaration did not change: the change undoes an edit made in the cluster. */
  drift: z.boolean(),
  /** For a reader of `pulumi preview`: each field with its live and new value (a Secret's masked). */
  shown: z.array(z.string()).optional(),
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

/** group/version:Kind namespace/name, the core group named `core`: as the per-object engine's types read. */
export const objectLabel = (r: Ref): string =>
  `${r.apiVersion.includes("/") ? r.apiVersion : `core/${r.apiVersion}`}:${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;

/** objectLabel read back: kind, namespace ("" when cluster-scoped) and name. */
export function labelParts(label: string): { kind: string; namespace: string; name: string } {
  const [type = "", place = ""] = label.split(" ");
  const [namespace, name] = place.includes("/") ? place.split("/") : ["", place];
  return { kind: type.split(":").pop() ?? "", namespace: namespace ?? "", name: name ?? "" };
}

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

/** The fields Tazuna's apply owns in an object, as paths; `former`: managers whose fields count as Tazuna's. */
function ownedByTazuna(o: Json, former: readonly string[] = []): Set<string> {
  const managed = ((o.metadata as Json | undefined)?.managedFields ?? []) as ManagedEntry[];
  const mine = managed.filter(
    (m) =>
      !m.subresource &&
      ((m.manager === FIELD_MANAGER && m.operation === "Apply") || former.includes(m.manager ?? "")),
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

/**
 * The per-object engine's provider directives (pulumi.com/patchForce, ...)
 * are annotations it owned under Tazuna's manager. A release does not send
 * them, so its apply would remove them: not a change worth a write (they go
 * with the next real one), or a taken-over stack would be rewritten whole.
 */
function droppedDirective(d: Difference): boolean {
  if (d.type !== "REMOVE" || d.path[0] !== "metadata" || d.path[1] !== "annotations") return false;
  const isDirective = (k: unknown) => String(k).startsWith("pulumi.com/");
  // One annotation goes, or the whole map when it held nothing else.
  if (d.path.length === 3) return isDirective(d.path[2]);
  return d.path.length === 2 && Object.keys(d.oldValue as object).every(isDirective);
}

/**
 * What a forced apply would change or take back, between the live object
 * and the dry-run's answer: each field's path, and a line that shows its
 * values (`spec.replicas: 1 => 2`; a Secret's masked). `former`: the field
 * managers of the per-object engine a release took over
 * (engine/upgrade.ts), whose fields are Tazuna's already.
 */
export function fieldChanges(
  live: Json,
  applied: Json,
  former: readonly string[] = [],
): { path: string; shown: string }[] {
  const masked = live.kind === "Secret";
  const changed = diff(content(live), content(applied))
    .filter((d) => !droppedDirective(d))
    .map((d) => ({ path: pathText(d.path), shown: shownChange(d, masked) }));
  const before = ownedByTazuna(live, former);
  const seen = new Set(changed.map((c) => c.path));
  const taken = [...ownedByTazuna(applied)]
    .filter((p) => !before.has(p) && !seen.has(p))
    .map((p) => ({ path: p, shown: `${p}: taken back from another field manager` }));
  return [...changed, ...taken].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Field paths a forced apply would change or take back (fieldChanges). */
export const changedFields = (live: Json, applied: Json, former: readonly string[] = []): string[] =>
  fieldChanges(live, applied, former).map((c) => c.path);

const valueText = (v: unknown): string => {
  const t = JSON.stringify(v) ?? "undefined";
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
};

function shownChange(d: Difference, masked: boolean): string {
  const path = pathText(d.path);
  if (masked) return `${path}: [secret]`;
  if (d.type === "CREATE") return `${path}: + ${valueText(d.value)}`;
  if (d.type === "REMOVE") return `${path}: - ${valueText(d.oldValue)}`;
  return `${path}: ${valueText(d.oldValue)} => ${valueText(d.value)}`;
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

interface Found {
  change?: ObjectChange;
  /** The declaration differs from what the inventory recorded. */
  declared: boolean;
  /** An apply would write something: missing, changed, or a field to take back. */
  write: boolean;
}

interface PlanOptions {
  key: string;
  /** What becomes of an object that left the add-on and is not kept by policy. */
  prune?: PruneRule;
  createOnly?: boolean;
  former?: readonly string[];
  /** Keys of objects taken as they are live (migrate, fold): recorded, not written. */
  recordOnly?: ReadonlySet<string>;
}

async function objectChange(
  api: Client,
  o: K8sObject,
  recorded: Entry | undefined,
  opts: PlanOptions,
): Promise<Found> {
  const unchanged = recorded !== undefined && recorded.fingerprint === fingerprint(o, opts.key);
  const ref = refOf(o);
  const object = objectLabel(ref);
  const live = await getLive(api, ref);
  if (!live)
    return {
      change: { op: "create", object, fields: [], drift: unchanged },
      declared: !unchanged,
      write: true,
    };
  if (opts.createOnly) return { declared: false, write: false };
  if (opts.recordOnly?.has(entryKey(o))) return { declared: true, write: false };
  const found = fieldChanges(live, (await dryRunApply(api, o)) as Json, opts.former);
  const write = found.length > 0;
  // Live as declared but not in this inventory: recorded (a move from another add-on, or an upgrade), not written.
  if (!write) return { declared: !unchanged, write };
  const fields = found.map((c) => c.path);
  const shown = found.map((c) => c.shown);
  return { change: { op: "update", object, fields, drift: unchanged, shown }, declared: !unchanged, write };
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
  opts: PlanOptions,
): Promise<ReleasePlan & { writes: K8sObject[] }> {
  const recorded = new Map((old?.inventory ?? []).map((e) => [keyOf(e), e]));
  const found: (Found | undefined)[] = [];
  await bounded([...objects.keys()], 8, async (i) => {
    const o = objects[i] as K8sObject;
    found[i] = await objectChange(api, o, recorded.get(entryKey(o)), opts);
  });
  const changes = found.flatMap((f) => (f?.change ? [f.change] : []));
  const writes = objects.filter((_, i) => found[i]?.write);
  const declared = new Set(objects.map(entryKey));
  const claimed = new Set(claimedElsewhere);
  const kept = new Set(old?.kept ?? []);
  let moved = false;
  for (const e of old?.inventory ?? []) {
    if (declared.has(keyOf(e))) continue;
    // Moved to another add-on: nothing to write here, but this inventory drops it.
    if (claimed.has(keyOf(e))) moved = true;
    else if (kept.has(keyOf(e)))
      changes.push({
        op: "keep",
        object: objectLabel(e),
        fields: [whyKept(e, opts.createOnly)],
        drift: false,
      });
    else {
      const rule = opts.prune ?? { prune: true, cause: "" };
      const why = rule.cause ? [leftBy(rule)] : [];
      changes.push({ op: rule.prune ? "delete" : "keep", object: objectLabel(e), fields: why, drift: false });
    }
  }
  const inventoryOnly = changes.length === 0 && (moved || found.some((f) => f?.declared));
  return { changes, inventoryOnly, writes };
}

/** Why a CRD that left its add-on stays: both engines' plans say it so. */
const CRD_KEPT = "a CRD outlives its add-on, with its custom resources; --prune-crds deletes them";

const HELM_KEPT = "helm.sh/resource-policy: keep; left in the cluster, no longer managed";
const HANDED_OFF = "handed off; left in the cluster, no longer managed";

/** Why an object that left its add-on stays: a CRD, a hand-off's, or else helm's keep (ownership.ts keeps). */
export function whyKept(e: { kind: string }, handOff = false): string {
  if (e.kind === "CustomResourceDefinition") return CRD_KEPT;
  return handOff ? HANDED_OFF : HELM_KEPT;
}

/**
 * Where the provider leaves each release's plan for the tazuna command
 * that runs the engine (plan, apply, state drift):
 * `<dir>/<manifest file>.plan.json`. Unset, as under a plain `pulumi up`,
 * the plan is still made (it decides what is written) but not left.
 */
export const PLAN_DIR_ENV = "TAZUNA_PLAN_DIR";

export const planFileOf = (dir: string, manifest: string): string =>
  `${dir}/${manifest.split("/").pop() ?? manifest}.plan.json`;
