/** Engine events turned into per-add-on, per-object steps for plan and apply. */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { Step } from "./results";

/** Resources that carry no change of their own: the stack, providers, and the add-on containers. */
const CONTAINERS = new Set(["pulumi:pulumi:Stack", "kubernetes:yaml/v2:ConfigGroup", "tazuna:index:Addon"]);

/**
 * The add-on a resource belongs to: its component, by the prefix of its name.
 * Spec-level tests and the cluster binding sit outside any add-on.
 */
export function addonOf(urn: string): string {
  const [, , typePath = "", name = ""] = urn.split("::");
  if (typePath.startsWith("tazuna:index:Addon")) return name.split(":")[0] ?? name;
  return typePath.endsWith("WaitUntil") ? "(tests)" : "(cluster)";
}

/** The resource name at the end of a URN. */
export const nameOf = (urn: string): string => urn.split("::").pop() ?? "";

function objectOf(urn: string): string {
  const [, , typePath = "", name = ""] = urn.split("::");
  const type = typePath.split("$").pop() ?? "";
  const inAddon = typePath.startsWith("tazuna:index:Addon");
  if (type.startsWith("kubernetes:"))
    return `${type.replace(/^kubernetes:/, "")} ${name.split(":").slice(1).join(":")}`;
  if (type.endsWith("WaitUntil"))
    return inAddon ? `readiness ${name.split(":").slice(2).join(":")}` : `test ${name}`;
  return type.split(":").pop() ?? type;
}

export function stepOf(e: EngineEvent): Step | undefined {
  const m = e.resourcePreEvent?.metadata;
  if (!m || m.op === "same" || m.op === "read" || m.op === "refresh") return undefined;
  if (CONTAINERS.has(m.type) || m.type.startsWith("pulumi:providers:")) return undefined;
  return { addon: addonOf(m.urn), op: m.op, object: objectOf(m.urn), fields: m.diffs ?? [] };
}
