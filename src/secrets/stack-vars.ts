/**
 * A stack's `tazuna:vars` may name where a value is kept instead of holding
 * it: `{from: env, env: NAME}`, `{from: op, op: {...}}` or `{from: sops,
 * sops: {file, key}}`. The program resolves them when it runs, so the stack
 * file (in git) holds only the reference. Values from op and sops are
 * secrets: they may reach the cluster only inside a Secret (placement.ts).
 * Commands that work offline (check, graph, diff of declarations) see a
 * placeholder instead and never read a secret store.
 */
import type { VarReference } from "../config/schema";
import { SecretReferenceError, storeValue } from "./sources";

export type StackVars = Record<string, string | VarReference>;

export interface ResolvedVars {
  values: Record<string, string>;
  /** The vars whose values came from a secret store, by name. */
  secret: Record<string, string>;
}

async function resolveOne(name: string, v: VarReference, baseDir: string, stack: string): Promise<string> {
  const ref = `stack ${stack}: tazuna:vars.${name}`;
  if (v.from === "env") {
    const value = process.env[v.env];
    if (value === undefined || value === "")
      throw new SecretReferenceError(
        `${ref} (env ${v.env})`,
        `environment variable ${v.env} is not set`,
        `export ${v.env} before running`,
      );
    return value;
  }
  return storeValue(v, baseDir, ref);
}

/** Reads every referenced var; sops files are relative to the project folder. */
export async function resolveStackVars(
  vars: StackVars,
  baseDir: string,
  stack: string,
): Promise<ResolvedVars> {
  const out: ResolvedVars = { values: {}, secret: {} };
  for (const [name, v] of Object.entries(vars)) {
    if (typeof v === "string") {
      out.values[name] = v;
      continue;
    }
    const value = await resolveOne(name, v, baseDir, stack);
    out.values[name] = value;
    if (v.from !== "env") out.secret[name] = value;
  }
  return out;
}

/**
 * For commands that never read secret stores: env references from the
 * environment when set, every other reference as a visible placeholder.
 */
export function placeholderVars(vars: StackVars): Record<string, string> {
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => {
      if (typeof v === "string") return [k, v];
      if (v.from === "env" && process.env[v.env]) return [k, process.env[v.env] as string];
      return [k, `<tazuna:vars.${k} from ${v.from}>`];
    }),
  );
}
