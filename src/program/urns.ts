/**
 * Names the engine knows Tazuna's resources by, kept apart from the
 * components so the CLI can read URNs without loading the Pulumi SDK.
 */

import { splitApiVersion } from "../render/objects";
import { RELEASE_TYPE } from "../release/inventory";

/** The key of an object in an adopt map. */
export const adoptKey = (type: string, name: string): string => `${type}::${name}`;

/** The type yaml/v2 ConfigGroup gives an object: kubernetes:<group, or core>/<version>:<Kind>. */
export function objectType(apiVersion: string, kind: string): string {
  const { group, version } = splitApiVersion(apiVersion);
  return `kubernetes:${group || "core"}/${version}:${kind}`;
}

/** The Pulumi type of an add-on component. */
export const ADDON_TYPE = "tazuna:index:Addon";

/**
 * A URN's parts: urn:pulumi:<stack>::<project>::<parent types$...$type>::<name>.
 * `type` is the resource's own type, `typePath` includes its parents'.
 */
export function urnParts(urn: string): { typePath: string; type: string; name: string } {
  const [, , typePath = "", name = ""] = urn.split("::");
  return { typePath, type: typePath.split("$").pop() ?? "", name };
}

/** The resource name at the end of a URN. */
export const nameOf = (urn: string): string => urnParts(urn).name;

/** Whether a resource sits inside an add-on component. */
export const inAddon = (urn: string): boolean => urnParts(urn).typePath.startsWith(ADDON_TYPE);

/**
 * The name an add-on's object has in the engine: `<namespace>/<name>`, or
 * `<name>` when cluster-scoped (the ConfigGroup's resourcePrefix is empty).
 * With the type, it is the object's identity in the cluster, so an object
 * keeps its URN when its add-on is renamed or it moves to another add-on:
 * the engine sees a change of parent, never a delete and a create.
 */
export function objectResourceName(namespace: string, name: string): string {
  return `${namespace ? `${namespace}/` : ""}${name}`;
}

/** The name Tazuna 0.1 gave an object, `<add-on>:<namespace>/<name>`: an alias, so its stacks keep their objects. */
export function legacyObjectName(addon: string, resourceName: string): string {
  return `${addon}:${resourceName}`;
}

/** The URN of an add-on's ConfigGroup (it bears the add-on's name). */
export function groupUrn(stackName: string, project: string, addon: string): string {
  return `urn:pulumi:${stackName}::${project}::${ADDON_TYPE}$kubernetes:yaml/v2:ConfigGroup::${addon}`;
}

/**
 * The add-on a resource belongs to, from its parent: an object's parent is
 * its add-on's ConfigGroup and a gate's is the add-on, both named after it.
 * Without the parent (an engine diagnostic), a gate's name starts with the
 * add-on's, `<add-on>:ready:...`. Undefined outside any add-on (the binding,
 * spec-level tests).
 */
export function addonOf(r: { urn: string; parent?: string | undefined }): string | undefined {
  if (!inAddon(r.urn)) return undefined;
  const { type, name } = urnParts(r.urn);
  if (type === ADDON_TYPE) return nameOf(r.urn);
  if (r.parent) return nameOf(r.parent);
  return name.includes(":") ? name.split(":")[0] : undefined;
}

/**
 * URN patterns for a run that leaves some add-ons alone (--tags, migrate,
 * fold): the add-ons not chosen (component, ConfigGroup, gates, tests, and
 * the objects the state holds under them) and the spec-level tests, which
 * such a run does not register. The engine neither applies nor deletes what
 * is excluded; `*` matches within a URN segment and `**` across them.
 * (Targets cannot do this: every resource is a child of the stack and
 * depends on the binding, so targeting those makes every unregistered
 * add-on a delete.) Objects are listed by URN: their names do not carry the
 * add-on's.
 */
export function excludesFor(
  stackName: string,
  project: string,
  others: readonly string[],
  state: readonly { urn: string; parent?: string | undefined }[],
): string[] {
  const base = `urn:pulumi:${stackName}::${project}::`;
  const left = new Set(others);
  const objects = state.filter((r) => {
    const a = addonOf(r);
    return a !== undefined && left.has(a) && urnParts(r.urn).type.startsWith("kubernetes:");
  });
  return [
    `${base}**WaitUntil::test-**`,
    ...others.flatMap((a) => [
      `${base}${ADDON_TYPE}::${a}`,
      groupUrn(stackName, project, a),
      // The add-on's release, named as the add-on; its gates and hooks are named "<add-on>:...".
      `${base}${ADDON_TYPE}$${RELEASE_TYPE}::${a}`,
      `${base}${ADDON_TYPE}$**::${a}:**`,
      `${base}**WaitUntil::${a}-test-**`,
    ]),
    ...objects.map((r) => r.urn),
  ];
}
