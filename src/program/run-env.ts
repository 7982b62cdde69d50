/**
 * What the tazuna command line sets for one run (-f, --var, --var-file),
 * carried to a project's own program, which the engine starts through its
 * language host and which otherwise reads only the stack's config. The
 * program takes it only from the tazuna process that started it: a
 * TAZUNA_RUN left exported in a shell names a process that is not its
 * ancestor, and is ignored.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { StackSettingsSchema } from "../config/settings";

export const RUN_ENV = "TAZUNA_RUN";

const RunSchema = z.strictObject({
  /** The pid of the tazuna process that set it. */
  cli: z.number().int().positive(),
  file: z.string().min(1).optional(),
  vars: StackSettingsSchema.shape.vars,
});
export type RunFlags = Omit<z.infer<typeof RunSchema>, "cli">;

/** The environment entry for the engine: this process's flags. */
export function runEnv(flags: RunFlags): Record<string, string> {
  return { [RUN_ENV]: JSON.stringify({ cli: process.pid, ...flags }) };
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** True when `pid` started this process, however many processes lie between. */
export function isAncestor(pid: number, from = process.pid): boolean {
  for (let p = parentOf(from), hops = 0; p !== undefined && p > 1 && hops < 64; p = parentOf(p), hops++)
    if (p === pid) return true;
  return false;
}

/** The flags of the tazuna run that started this program, if one did. */
export function runFromEnv(env: NodeJS.ProcessEnv = process.env): RunFlags | undefined {
  const raw = env[RUN_ENV];
  if (!raw) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = RunSchema.safeParse(json);
  if (!parsed.success || !isAncestor(parsed.data.cli)) return undefined;
  const { cli: _cli, ...flags } = parsed.data;
  return flags;
}
