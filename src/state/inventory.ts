/** What a stack's state says is installed: one row per Kubernetes object. */
import type { Stack } from "@pulumi/pulumi/automation";
import { z } from "zod";

const ResourceSchema = z
  .object({
    type: z.string(),
    urn: z.string(),
    parent: z.string().optional(),
    inputs: z.record(z.string(), z.unknown()).optional(),
    outputs: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
const StateSchema = z
  .object({ deployment: z.object({ resources: z.array(ResourceSchema).optional() }).loose() })
  .loose();

export interface InstalledObject {
  addon: string;
  /** The object as last applied (the resource's inputs), for diffs against a new render. */
  applied: Record<string, unknown>;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Kubernetes objects only: not providers, ConfigGroups, gates or the binding. */
export async function installedObjects(stack: Stack): Promise<InstalledObject[]> {
  const state = StateSchema.parse(await stack.exportStack());
  return (state.deployment.resources ?? [])
    .filter(
      (r) =>
        r.type.startsWith("kubernetes:") &&
        !r.type.startsWith("kubernetes:yaml") &&
        r.urn.includes("tazuna:index:Addon$"),
    )
    .map((r) => {
      const name = r.urn.split("::").pop() ?? "";
      const meta = (r.outputs?.metadata ?? {}) as { name?: string; namespace?: string };
      return {
        addon: name.split(":")[0] ?? "",
        applied: r.inputs ?? {},
        apiVersion: String(r.outputs?.apiVersion ?? ""),
        kind: String(r.outputs?.kind ?? r.type.split(":").pop() ?? ""),
        namespace: meta.namespace ?? "",
        name: meta.name ?? "",
      };
    });
}
