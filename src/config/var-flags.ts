/**
 * Variables from the command line: `--var NAME=VALUE` (repeatable) and
 * `--var-file FILE` (a YAML map, the shape of a stack file's tazuna:vars).
 * They sit over the stack file's tazuna:vars (a flag wins), so a folder
 * without stack files, as the Go tool is used, can set `${vars.NAME}` too.
 * Each value keeps where it came from, for the plan and for messages.
 */
import { z } from "zod";
import { ConfigError, type ConfigProblem } from "./errors";
import { zodProblems } from "./issues";
import { parseYamlFile } from "./parse";
import { StackSettingsSchema } from "./settings";

const NAME = /^[A-Za-z0-9_-]+$/;

const VarsSchema = StackSettingsSchema.shape.vars.unwrap();
const VarFileSchema = VarsSchema.refine((m) => Object.keys(m).every((k) => NAME.test(k)), {
  message: "variable names are letters, digits, - and _",
});

export type VarValues = z.infer<typeof VarsSchema>;

export interface VarFlags {
  /** Repeatable --var NAME=VALUE. */
  var?: string[];
  /** Repeatable --var-file FILE, later files over earlier ones. */
  varFile?: string[];
}

export interface LayeredVars {
  vars: VarValues;
  /** Where each var's value came from: "--var", "--var-file FILE", or the stack file. */
  sources: Record<string, string>;
}

/** Parses one --var; commander calls it per occurrence. */
export function collectVar(value: string, previous: string[] = []): string[] {
  const eq = value.indexOf("=");
  const name = eq > 0 ? value.slice(0, eq) : "";
  if (!NAME.test(name))
    throw new ConfigError([
      {
        file: "<command line>",
        field: "--var",
        message: `"${name || value}" is not NAME=VALUE with a name of letters, digits, - and _`,
        fix: "write --var overlay=prod (repeat --var for each variable)",
      },
    ]);
  return [...previous, value];
}

async function readVarFile(file: string): Promise<VarValues> {
  const problems: ConfigProblem[] = [];
  const parsed = await parseYamlFile(file, problems);
  if (!parsed) {
    for (const p of problems)
      p.fix = p.message === "file not found" ? "point --var-file at an existing YAML file" : p.fix;
    throw new ConfigError(problems);
  }
  const res = VarFileSchema.safeParse(parsed.data ?? {});
  if (!res.success) throw new ConfigError(zodProblems(parsed, res.error.issues, () => []));
  return res.data;
}

/** The stack file's vars under the var files, under each --var, in that order. */
export async function layeredVars(
  flags: VarFlags,
  stack: { vars?: VarValues; file?: string } = {},
): Promise<LayeredVars> {
  const out: LayeredVars = { vars: {}, sources: {} };
  const put = (vars: VarValues, source: string) => {
    for (const [k, v] of Object.entries(vars)) {
      out.vars[k] = v;
      out.sources[k] = source;
    }
  };
  put(stack.vars ?? {}, stack.file ?? "the stack file");
  for (const file of flags.varFile ?? []) put(await readVarFile(file), `--var-file ${file}`);
  for (const pair of flags.var ?? []) {
    const eq = pair.indexOf("=");
    put({ [pair.slice(0, eq)]: pair.slice(eq + 1) }, "--var");
  }
  return out;
}

/** "overlay (--var), region (stacks/Pulumi.prod.yaml)": names and sources, never values. */
export function describeSources(sources: Record<string, string>): string {
  return Object.entries(sources)
    .map(([k, s]) => `${k} (${s})`)
    .join(", ");
}
