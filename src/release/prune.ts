/**
 * Whether a release deletes the objects that left the declaration, and
 * what decided it, for the plan to say: `tazuna apply --prune` or
 * `--no-prune` (TAZUNA_PRUNE, taken only from the tazuna command that
 * started this process), else the stack's `tazuna:prune` (the provider's
 * configure hands it over, so `pulumi up` reads the same setting), else
 * true. With prune off, those objects leave the inventory and stay in the
 * cluster: leftovers, which `tazuna state fold` can take back.
 */
import { fromOwnTazuna } from "../pids";

export const PRUNE_ENV = "TAZUNA_PRUNE";

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

/** In the provider process: the tazuna command's flag, else the stack's setting. */
export function pruneRule(env: NodeJS.ProcessEnv = process.env): PruneRule {
  const raw = env[PRUNE_ENV];
  const flag = (raw === "true" || raw === "false") && fromOwnTazuna(env) ? raw === "true" : undefined;
  return ruleOf(flag, configured);
}

/** The plan's words for an object that left the declaration and is not kept by policy. */
export const leftBy = (rule: PruneRule): string =>
  rule.prune ? `deleted: ${rule.cause}` : `left in the cluster, no longer managed: ${rule.cause}`;
