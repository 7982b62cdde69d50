/** Engine events turned into per-add-on, per-object steps for plan and apply. */
import type { EngineEvent } from "@pulumi/pulumi/automation";

export interface Step {
  addon: string;
  op: string;
  /** Kubernetes kind and name, or the Tazuna resource type. */
  object: string;
  /** Changed properties, for updates. */
  fields: string[];
}

/** The add-on a resource belongs to: its component, or the prefix of its name. */
function addonOf(urn: string): string | undefined {
  const [, , typePath = "", name = ""] = urn.split("::");
  if (!typePath.startsWith("tazuna:index:Addon")) return undefined;
  return name.split(":")[0];
}

function objectOf(urn: string): string {
  const [, , typePath = "", name = ""] = urn.split("::");
  const type = typePath.split("$").pop() ?? "";
  if (type.startsWith("kubernetes:"))
    return `${type.replace(/^kubernetes:/, "")} ${name.split(":").slice(1).join(":")}`;
  if (type.endsWith("WaitUntil")) return `readiness ${name.split(":").slice(2).join(":")}`;
  return type === "tazuna:index:Addon" ? "(add-on)" : type;
}

export function stepOf(e: EngineEvent): Step | undefined {
  const m = e.resourcePreEvent?.metadata;
  if (!m || m.op === "same" || m.op === "read" || m.op === "refresh") return undefined;
  const addon = addonOf(m.urn);
  if (!addon || m.type === "kubernetes:yaml/v2:ConfigGroup" || m.type === "tazuna:index:Addon")
    return undefined;
  return { addon, op: m.op, object: objectOf(m.urn), fields: m.diffs ?? [] };
}
