/** What a stack's state says is installed: one row per Kubernetes object. */
import type { Stack } from "@pulumi/pulumi/automation";
import { stateResources, type StateResource } from "./resources";
import { z } from "zod";
import { ADDON_TYPE, addonOf, inAddon, nameOf } from "../resources/urns";
import { InventorySchema, keyOf } from "../release/inventory";
import { RELEASE_TYPE } from "../resources/urns";

export interface InstalledObject {
  addon: string;
  /** The engine's name for it; with the type, the object's identity (objectResourceName). */
  urn: string;
  /** Left in the cluster when its add-on goes (a CRD, helm's keep, a hand-off). */
  retained: boolean;
  /** The object as last applied (the resource's inputs), for diffs against a new render; a release keeps no objects. */
  applied?: Record<string, unknown>;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  /** A release's record of what it applied (release/inventory.ts fingerprint), with the release's key. */
  fingerprint?: { value: string; key: string };
}

/** Kubernetes objects only: not providers, ConfigGroups, gates or the binding. */
export async function installedObjects(stack: Stack): Promise<InstalledObject[]> {
  return objectsIn(await stateResources(stack));
}

export function objectsIn(resources: StateResource[]): InstalledObject[] {
  return [
    ...perObject(resources),
    ...resources.filter((r) => r.type === RELEASE_TYPE).flatMap(releaseObjects),
  ];
}

/** Exported with --show-secrets, a secret output reads `{ <sig>: ..., plaintext: "<JSON>" }`. */
const KeySchema = z
  .union([z.string(), z.object({ plaintext: z.string() }).transform((s) => String(JSON.parse(s.plaintext)))])
  .optional();

const RecordSchema = z.object({
  inventory: InventorySchema.default([]),
  kept: z.array(z.string()).default([]),
  key: KeySchema,
});

/** A release's inventory: each object's identity, never its content. */
function releaseObjects(r: StateResource): InstalledObject[] {
  const rec = RecordSchema.parse(r.outputs ?? {});
  const kept = new Set(rec.kept);
  return rec.inventory.map((e) => ({
    addon: addonOf(r) ?? "",
    urn: `${r.urn}#${keyOf(e)}`,
    retained: kept.has(keyOf(e)),
    apiVersion: e.apiVersion,
    kind: e.kind,
    namespace: e.namespace ?? "",
    name: e.name,
    ...(rec.key ? { fingerprint: { value: e.fingerprint, key: rec.key } } : {}),
  }));
}

function perObject(resources: StateResource[]): InstalledObject[] {
  return resources
    .filter(
      (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:yaml") && inAddon(r.urn),
    )
    .map((r) => {
      const meta = (r.outputs?.metadata ?? {}) as { name?: string; namespace?: string };
      return {
        addon: addonOf(r) ?? "",
        urn: r.urn,
        retained: r.retainOnDelete ?? false,
        applied: r.inputs ?? {},
        apiVersion: String(r.outputs?.apiVersion ?? ""),
        kind: String(r.outputs?.kind ?? r.type.split(":").pop() ?? ""),
        namespace: meta.namespace ?? "",
        name: meta.name ?? "",
      };
    });
}

export interface InstalledAddon {
  addon: string;
  version: string;
  digest: string;
}

/** The add-on components, with the version and digest of what they last applied. */
export function addonsIn(resources: StateResource[]): InstalledAddon[] {
  return resources
    .filter((r) => r.type === ADDON_TYPE)
    .map((r) => ({
      addon: nameOf(r.urn),
      version: String(r.outputs?.version ?? ""),
      digest: String(r.outputs?.digest ?? ""),
    }));
}
