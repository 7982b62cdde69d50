/**
 * Names the engine knows Tazuna's resources by, kept apart from the
 * components so the CLI can read URNs without loading the Pulumi SDK.
 */

import { splitApiVersion } from "../render/objects";

/**
 * How the tazuna CLI tells a project's own program (index.ts, run by the
 * engine in its own process) which add-ons a --tags run registers.
 */
export const ONLY_ENV = "TAZUNA_ONLY_ADDONS";

/** The add-ons named in $TAZUNA_ONLY_ADDONS, or undefined for all. */
export function onlyFromEnv(env = process.env): string[] | undefined {
  const names = (env[ONLY_ENV] ?? "").split(",").filter(Boolean);
  return names.length > 0 ? names : undefined;
}

/**
 * How `tazuna migrate` tells the program which objects to import rather than
 * apply: a JSON object of `<pulumi type>::<resource name>` to the import id.
 */
export const ADOPT_ENV = "TAZUNA_ADOPT";

/** The objects named in $TAZUNA_ADOPT. */
export function adoptFromEnv(env = process.env): Record<string, string> {
  return env[ADOPT_ENV] ? (JSON.parse(env[ADOPT_ENV]) as Record<string, string>) : {};
}

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
 * The name yaml/v2 ConfigGroup gives an add-on's object, `<add-on>:<namespace>/<name>`
 * (`<add-on>:<name>` when cluster-scoped): the group is named after the add-on.
 */
export function objectResourceName(addon: string, namespace: string, name: string): string {
  return `${addon}:${namespace ? `${namespace}/` : ""}${name}`;
}

/** The add-on a resource name inside a component belongs to: the part before the first ":". */
export const addonOfName = (resourceName: string): string => resourceName.split(":")[0] ?? resourceName;

/**
 * URN patterns for a run that leaves some add-ons alone (--tags, migrate,
 * fold): the add-ons not chosen (component, objects, gates, their tests) and
 * the spec-level tests, which such a run does not register. The engine
 * neither applies nor deletes what is excluded, nor what it depends on;
 * `*` matches within a URN segment and `**` across them. (Targets cannot do
 * this: every resource is a child of the stack and depends on the binding,
 * so targeting those makes every unregistered add-on a delete.)
 */
export function excludesFor(stackName: string, project: string, others: readonly string[]): string[] {
  const base = `urn:pulumi:${stackName}::${project}::`;
  return [
    `${base}**WaitUntil::test-**`,
    ...others.flatMap((a) => [
      `${base}${ADDON_TYPE}**::${a}`,
      `${base}${ADDON_TYPE}**::${a}:**`,
      `${base}**WaitUntil::${a}-test-**`,
    ]),
  ];
}
