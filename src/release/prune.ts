/**
 * Whether a release deletes the objects that left the declaration, and
 * what decided it, for the plan to say: `tazuna apply --prune` or
 * `--no-prune` (TAZUNA_PRUNE, taken only from the tazuna command that
 * started this process), else the stack's `tazuna:prune` (the provider's
 * configure hands it over, so `pulumi up` reads the same setting), else
 * true. With prune off, those objects leave the inventory and stay in the
 * cluster: leftovers, which `tazuna state fold` can take back.
 */
import { fromOwnTazuna } from "../process/pids";

export const PRUNE_ENV = "TAZUNA_PRUNE";
/**
 * The stack file's tazuna:prune as the tazuna command read it: the built-in
 * program gets its settings from the command, not as Pulumi config, so the
 * provider's configure sees none of them.
 */
export const PRUNE_SETTING_ENV = "TAZUNA_PRUNE_SETTING";

export interface PruneRule {
  prune: boolean;
  /** The flag or setting that decided, as the plan prints it. */
  cause: string;
}

let configured: boolean | undefined;

/** The stack's tazuna:prune, from the provider's configure (a string, as config values are). */
export function configurePrune(value: string | undefined): void {
  configured = value === undefined ? undefined : value.trim().toLowerCase() !== "false";
}

/** The flag wins, then the stack's setting, then true. */
export function ruleOf(flag: boolean | undefined, setting: boolean | undefined): PruneRule {
  if (flag !== undefined) return { prune: flag, cause: flag ? "--prune" : "--no-prune" };
  if (setting !== undefined) return { prune: setting, cause: `tazuna:prune: ${setting}` };
  return { prune: true, cause: "tazuna:prune unset, true by default" };
}

const boolOf = (env: NodeJS.ProcessEnv, name: string): boolean | undefined => {
  const raw = env[name];
  return (raw === "true" || raw === "false") && fromOwnTazuna(env) ? raw === "true" : undefined;
};

/** In the provider process: the tazuna command's flag, else the stack's setting (from config, or as the command read it). */
export function pruneRule(env: NodeJS.ProcessEnv = process.env): PruneRule {
  return ruleOf(boolOf(env, PRUNE_ENV), configured ?? boolOf(env, PRUNE_SETTING_ENV));
}

/** The plan's words for an object that left the declaration and is not kept by policy. */
export const leftBy = (rule: PruneRule): string =>
  rule.prune ? `deleted: ${rule.cause}` : `left in the cluster, no longer managed: ${rule.cause}`;

/** With prune off, what left the declaration stays in the cluster, unmanaged: said once, with the way back. */
export function leftBehindNote(
  steps: readonly { op: string; fields: readonly string[]; addon: string; object: string }[],
  prune: PruneRule,
): string | undefined {
  if (prune.prune) return undefined;
  const left = steps.filter((s) => s.op === "keep" && s.fields.includes(leftBy(prune)));
  if (left.length === 0) return undefined;
  return [
    `left in the cluster, no longer managed (${prune.cause}): ${left.length} object(s)`,
    ...left.map((s) => `  - ${s.addon}: ${s.object}`),
    "  tazuna state drift lists those in managed namespaces as leftovers; tazuna state fold takes them back, tazuna apply --prune-leftovers deletes them",
  ].join("\n");
}
