/**
 * What the tazuna command line tells the program for one run: its flags
 * (-f, --var, --var-file; TAZUNA_RUN), the add-ons a --tags run registers
 * (TAZUNA_ONLY_ADDONS) and the objects migrate imports (TAZUNA_ADOPT). A
 * project's own program, which the engine starts through its language host,
 * otherwise reads only the stack's config.
 *
 * The program takes them only from the tazuna process that started it:
 * tazuna clears them from its own environment when it starts and records
 * its pid in TAZUNA_CLI_PID, and the program checks that this pid is itself
 * or an ancestor. A value left exported in a shell is ignored by `pulumi up`
 * and dropped by `tazuna`.
 */
import { z } from "zod";
import { StackSettingsSchema } from "../config/settings";
import { CacheModeSchema } from "../render/artifact-cache";
import { CLI_PID_ENV, fromOwnTazuna, isAncestor } from "../process/pids";
import { PRUNE_ENV, PRUNE_SETTING_ENV } from "../release/prune";

export { CLI_PID_ENV, fromOwnTazuna, isAncestor };

export const RUN_ENV = "TAZUNA_RUN";
export const ONLY_ENV = "TAZUNA_ONLY_ADDONS";
export const ADOPT_ENV = "TAZUNA_ADOPT";
/** The Kubernetes provider's field managers, for the run that takes a per-object stack over (engine/upgrade.ts). */
export const FORMER_MANAGERS_ENV = "TAZUNA_FORMER_MANAGERS";
/** Set around `tazuna destroy`'s engine run: the program registers no objects, so renders nothing. */
export const DESTROY_ENV = "TAZUNA_DESTROYING";

const RunSchema = z.strictObject({
  file: z.string().min(1).optional(),
  vars: StackSettingsSchema.shape.vars,
  /** --allow-any-context: an environment without patterns may drop the root's guard. */
  allowAnyContext: z.boolean().optional(),
  /** --no-cache (refresh) or --offline: how renders use the artifact cache (render/artifact-cache.ts). */
  cache: CacheModeSchema.optional(),
});
export type RunFlags = z.infer<typeof RunSchema>;

/** Called first by the tazuna command: no leftover from a shell reaches a program through it. */
export function startTazunaRun(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of [
    RUN_ENV,
    ONLY_ENV,
    ADOPT_ENV,
    DESTROY_ENV,
    FORMER_MANAGERS_ENV,
    PRUNE_ENV,
    PRUNE_SETTING_ENV,
  ])
    Reflect.deleteProperty(env, name);
  env[CLI_PID_ENV] = String(process.pid);
}

/** The environment entry for the engine: this run's flags. */
export function runEnv(flags: RunFlags): Record<string, string> {
  return { [RUN_ENV]: JSON.stringify(flags) };
}

/** The flags of the tazuna run that started this program, if one did. */
export function runFromEnv(env: NodeJS.ProcessEnv = process.env): RunFlags | undefined {
  const raw = env[RUN_ENV];
  if (!raw || !fromOwnTazuna(env)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = RunSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** The add-ons a --tags run registers, or undefined for all. */
export function onlyFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const names = (env[ONLY_ENV] ?? "").split(",").filter(Boolean);
  return names.length > 0 && fromOwnTazuna(env) ? names : undefined;
}

const AdoptSchema = z.record(z.string(), z.string());

/** The objects `tazuna migrate` imports rather than applies: adoptKey to import id. */
export function adoptFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const raw = env[ADOPT_ENV];
  if (!raw || !fromOwnTazuna(env)) return {};
  return AdoptSchema.parse(JSON.parse(raw));
}

/** The field managers whose fields the releases of this run count as Tazuna's (engine/upgrade.ts). */
export function formerManagersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const names = (env[FORMER_MANAGERS_ENV] ?? "").split(",").filter(Boolean);
  return names.length > 0 && fromOwnTazuna(env) ? names : [];
}

/** Whether the engine runs the program for `tazuna destroy`. */
export function destroyingFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[DESTROY_ENV] === "1" && fromOwnTazuna(env);
}

/** Runs `fn` with environment variables set (undefined: unset), for the program the engine runs. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = x;
    }
  };
  set(vars);
  try {
    return await fn();
  } finally {
    set(before);
  }
}

/**
 * TAZUNA_ENGINE=objects chose the per-object engine (one Pulumi resource
 * per object) while the release engine was landing; it is gone, and a run
 * that still asks for it is refused rather than silently given releases.
 */
export const removedEngineAsked = (): boolean => process.env.TAZUNA_ENGINE === "objects";
