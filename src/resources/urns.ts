/**
 * Names the engine knows Tazuna's resources by, kept apart from the
 * components so the CLI can read URNs without loading the Pulumi SDK.
 */

/** The Pulumi type of an add-on component. */
export const ADDON_TYPE = "tazuna:index:Addon";

/** The kinds of Tazuna's dynamic resources (resources/by-path.ts). */
export type DynamicKind = "Release" | "WaitUntil" | "ClusterBinding";

/** A dynamic resource's type in state and in the engine's events. */
export const dynamicType = (kind: DynamicKind): string => `pulumi-nodejs:dynamic/tazuna:${kind}`;

/** An add-on's release: one per add-on, named as the add-on, its component's only child. */
export const RELEASE_TYPE = dynamicType("Release");
/** A declared test (an add-on's or the spec's). */
export const WAIT_TYPE = dynamicType("WaitUntil");
/** The cluster binding: one per stack, named BINDING_NAME. */
export const BINDING_TYPE = dynamicType("ClusterBinding");
export const BINDING_NAME = "cluster";

/** The resource name of an add-on's test (`**` in a URN pattern for all of them). */
export const addonTestName = (addon: string, test: string): string => `${addon}-test-${test}`;
/** The resource name of a spec-level test. */
export const specTestName = (test: string): string => `test-${test}`;

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
 * The add-on a resource belongs to, from its parent (a release's parent is
 * its add-on, named after it). Without the parent (an engine diagnostic), a
 * name inside an add-on that starts with `<add-on>:` says it. Undefined
 * outside any add-on (the binding, spec-level tests).
 */
export function addonOf(r: { urn: string; parent?: string | undefined }): string | undefined {
  if (!inAddon(r.urn)) return undefined;
  const { type, name } = urnParts(r.urn);
  // A component and its release are both named as the add-on.
  if (type === ADDON_TYPE || type === RELEASE_TYPE) return name;
  if (r.parent) return nameOf(r.parent);
  return name.includes(":") ? name.split(":")[0] : undefined;
}

/**
 * URN patterns for a run that leaves some add-ons alone (--tags, migrate,
 * fold): the add-ons not chosen (component, release, tests) and the
 * spec-level tests, which such a run does not register. The engine neither
 * applies nor deletes what is excluded; `*` matches within a URN segment and
 * `**` across them. (Targets cannot do this: every resource is a child of
 * the stack and depends on the binding, so targeting those makes every
 * unregistered add-on a delete.)
 */
export function excludesFor(stackName: string, project: string, others: readonly string[]): string[] {
  const base = `urn:pulumi:${stackName}::${project}::`;
  return [`${base}**WaitUntil::${specTestName("**")}`, ...addonUrns(stackName, project, others)];
}

/** URN patterns of whole add-ons (component, release, tests): what `destroy --tags` targets. */
export function addonUrns(stackName: string, project: string, addons: readonly string[]): string[] {
  const base = `urn:pulumi:${stackName}::${project}::`;
  return addons.flatMap((a) => [
    `${base}${ADDON_TYPE}::${a}`,
    `${base}${ADDON_TYPE}$${RELEASE_TYPE}::${a}`,
    `${base}**WaitUntil::${addonTestName(a, "**")}`,
  ]);
}
