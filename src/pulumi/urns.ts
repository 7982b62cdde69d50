/**
 * Names the engine knows Tazuna's resources by, kept apart from the
 * components so the CLI can read URNs without loading the Pulumi SDK.
 */

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

/** The Pulumi type of an add-on component. */
export const ADDON_TYPE = "tazuna:index:Addon";

/**
 * URN patterns for a --tags run: the chosen add-ons (component, objects,
 * gates, their tests), the cluster binding, the providers and the stack.
 * The engine matches `*` within a URN segment and `**` across them.
 */
export function targetsFor(stackName: string, project: string, addons: readonly string[]): string[] {
  const base = `urn:pulumi:${stackName}::${project}::`;
  return [
    `${base}pulumi:pulumi:Stack::**`,
    `${base}pulumi:providers:**`,
    `${base}**ClusterBinding::*`,
    ...addons.flatMap((a) => [
      `${base}${ADDON_TYPE}**::${a}`,
      `${base}${ADDON_TYPE}**::${a}:**`,
      `${base}**WaitUntil::${a}-test-**`,
    ]),
  ];
}
