/**
 * A stack written by the per-object engine (one Pulumi resource per
 * Kubernetes object), taken over by the release engine in place: the
 * per-object resources leave state and nothing is deleted; the releases
 * the next up creates find their objects live, applied as declared, and
 * record them without a write (release/provider.ts). The provider's field
 * managers are handed to the releases, so the fields those managers own
 * count as Tazuna's until a release applies them under its own name.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { z } from "zod";
import { exportedState, writingState } from "../state/resources";
import { inAddon } from "../resources/urns";

const ResourceSchema = z
  .object({
    urn: z.string(),
    type: z.string(),
    parent: z.string().optional(),
    dependencies: z.array(z.string()).optional(),
    propertyDependencies: z.record(z.string(), z.array(z.string())).optional(),
    deletedWith: z.string().optional(),
    outputs: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
const DeploymentSchema = z
  .object({
    version: z.number(),
    deployment: z.object({ resources: z.array(ResourceSchema).optional() }).loose(),
  })
  .loose();
type Resource = z.infer<typeof ResourceSchema>;

/**
 * The per-object engine's resources: the objects and their ConfigGroups
 * inside an add-on; never a Kubernetes resource a user's index.ts declares
 * beside them. (Its provider the program no longer registers, so the engine
 * removes it.)
 */
export const isPerObject = (r: { type: string; urn: string }): boolean =>
  r.type.startsWith("kubernetes:") && inAddon(r.urn);

export interface Upgrade {
  /** Per-object resources dropped from state. */
  dropped: number;
  /** The field managers the Kubernetes provider applied them under. */
  managers: string[];
}

function withoutDropped(r: Resource, dropped: Set<string>): Resource {
  const keep = (urns: string[] | undefined) => urns?.filter((u) => !dropped.has(u));
  const deps = r.propertyDependencies
    ? Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, keep(v) ?? []]))
    : undefined;
  const out: Resource = { ...r, ...(r.dependencies ? { dependencies: keep(r.dependencies) ?? [] } : {}) };
  if (deps) out.propertyDependencies = deps;
  if (r.deletedWith && dropped.has(r.deletedWith)) Reflect.deleteProperty(out, "deletedWith");
  return out;
}

/** What the upgrade would drop, without changing anything (for plan). */
export async function upgradeNeeded(stack: Stack): Promise<Upgrade | undefined> {
  return upgradeOf(DeploymentSchema.parse(await exportedState(stack)));
}

function upgradeOf(doc: z.infer<typeof DeploymentSchema>): Upgrade | undefined {
  const objects = (doc.deployment.resources ?? []).filter(isPerObject);
  if (objects.length === 0) return undefined;
  const managers = new Set(
    objects.map((r) => r.outputs?.__fieldManager).filter((m) => typeof m === "string"),
  );
  return { dropped: objects.length, managers: [...managers].sort() as string[] };
}

/** Drops the per-object resources from state (nothing in the cluster changes); undefined when there were none. */
export async function upgradeToReleases(stack: Stack): Promise<Upgrade | undefined> {
  const doc = DeploymentSchema.parse(await exportedState(stack));
  const needed = upgradeOf(doc);
  if (!needed) return undefined;
  const resources = doc.deployment.resources ?? [];
  const dropped = new Set(resources.filter(isPerObject).map((r) => r.urn));
  const kept = resources.filter((r) => !dropped.has(r.urn)).map((r) => withoutDropped(r, dropped));
  const next = { ...doc, deployment: { ...doc.deployment, resources: kept } };
  await writingState(stack, () => stack.importStack(next as Parameters<Stack["importStack"]>[0]));
  return needed;
}

/** The upgrade as the one step a plan shows for it. */
export function upgradeStep(u: Upgrade): { addon: string; op: string; object: string; fields: string[] } {
  return {
    addon: "(cluster)",
    op: "upgrade",
    object: "state",
    fields: [
      `${u.dropped} per-object resource(s) leave state and each add-on gets a release that records its live objects; nothing is deleted, and only objects not live as declared are written`,
    ],
  };
}
