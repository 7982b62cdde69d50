/**
 * tazuna.hint.yaml, the Go tool's typed description of a helmfile's vars:
 * which are required, their type, default and format, and rules across
 * them. The file is checked on its own (hintFileProblems), then the vars a
 * stack gives are checked against it (varProblems): offline for static
 * values, again at render time once env and 1Password values are known.
 */
import { existsSync, statSync } from "node:fs";
import { isIP } from "node:net";
import * as path from "node:path";
import semver from "semver";
import { z } from "zod";
import { type ConfigProblem } from "./errors";
import { keysAt, zodProblems } from "./issues";
import { parseYamlFile, problemAt, type ParsedFile } from "./parse";

export const HINT_FILE = "tazuna.hint.yaml";

const FORMATS = ["hostname", "url", "email", "ip", "cidr", "uuid", "semver", "datetime"] as const;

const HintVarSchema = z.strictObject({
  type: z.enum(["string", "slice", "map"]),
  required: z.boolean().optional(),
  default: z.unknown().optional(),
  format: z.enum(FORMATS).optional(),
  description: z.string().optional(),
  required_with: z.array(z.string()).optional(),
  required_without: z.array(z.string()).optional(),
});

const HintSchema = z.strictObject({
  vars: z.record(z.string(), HintVarSchema).optional(),
  rules: z
    .array(
      z.strictObject({
        type: z.literal("oneof_required"),
        vars: z.array(z.string()).min(2),
        message: z.string().optional(),
      }),
    )
    .optional(),
});

export type Hint = z.infer<typeof HintSchema>;
type HintVar = z.infer<typeof HintVarSchema>;

/** A var as a stack gives it: its value, and whether it is a static value (the only kind whose type is checked). */
export interface GivenVar {
  value: string | string[] | Record<string, string>;
  static: boolean;
  /** From a secret store (op, sops): may only end up in a Secret. */
  secret?: boolean;
}

/** Where the Go tool looks: next to the helmfile when path names a file, else the folder's parent; here the folder itself first. */
export function hintFileFor(dir: string): string | undefined {
  const isDir = existsSync(dir) && statSync(dir).isDirectory();
  const places = isDir ? [dir, path.dirname(dir)] : [path.dirname(dir)];
  return places.map((p) => path.join(p, HINT_FILE)).find((f) => existsSync(f));
}

function schemaRuleProblems(parsed: ParsedFile, hint: Hint): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const names = Object.keys(hint.vars ?? {});
  const at = (p: PropertyKey[], message: string, fix: string) => out.push(problemAt(parsed, p, message, fix));
  for (const [name, v] of Object.entries(hint.vars ?? {})) {
    const p = ["vars", name];
    if (v.required && (v.default !== undefined || v.required_with || v.required_without))
      at(
        p,
        "required cannot go with default, required_with or required_without",
        "keep required, or the others",
      );
    if (v.format && v.type !== "string")
      at([...p, "format"], "format is only for type: string", "remove format");
    for (const key of ["required_with", "required_without"] as const)
      (v[key] ?? []).forEach((n, i) => {
        if (!names.includes(n))
          at([...p, key, i], `"${n}" is not a declared var`, `declare it under vars, or remove it`);
      });
  }
  (hint.rules ?? []).forEach((r, i) =>
    r.vars.forEach((n, j) => {
      if (!names.includes(n))
        at(["rules", i, "vars", j], `"${n}" is not a declared var`, "declare it under vars, or remove it");
    }),
  );
  return out;
}

/** Reads and checks a hint file; undefined (with problems) when it is broken. */
export async function loadHint(file: string, problems: ConfigProblem[]): Promise<Hint | undefined> {
  const parsed = await parseYamlFile(file, problems);
  if (!parsed) return undefined;
  const res = HintSchema.safeParse(parsed.data ?? {});
  if (!res.success) {
    problems.push(...zodProblems(parsed, res.error.issues, (p) => keysAt(HintSchema, p)));
    return undefined;
  }
  const rules = schemaRuleProblems(parsed, res.data);
  problems.push(...rules);
  return rules.length > 0 ? undefined : res.data;
}

const isRFC1123 = (s: string) =>
  s.length <= 253 && s.split(".").every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(l));

function formatOk(format: (typeof FORMATS)[number], s: string): boolean {
  switch (format) {
    case "hostname":
      return isRFC1123(s);
    case "url":
      return URL.canParse(s) && /^[a-z][a-z0-9+.-]*:/i.test(s);
    case "email":
      return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s);
    case "ip":
      return isIP(s) !== 0;
    case "cidr": {
      const [ip, bits, extra] = s.split("/");
      const v = isIP(ip ?? "");
      return (
        extra === undefined && v !== 0 && /^\d+$/.test(bits ?? "") && Number(bits) <= (v === 4 ? 32 : 128)
      );
    }
    case "uuid":
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
    case "semver":
      return semver.valid(s.replace(/^v/, "")) !== null;
    case "datetime":
      return (
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s) &&
        !Number.isNaN(Date.parse(s))
      );
  }
}

const kindOf = (v: GivenVar["value"]) =>
  typeof v === "string" ? "string" : Array.isArray(v) ? "slice" : "map";

const zero = (t: HintVar["type"]) => (t === "string" ? "" : t === "slice" ? [] : {});

/**
 * The vars after the hint: defaults and zero values filled in. `problem`
 * receives each broken rule as a message and a fix. Offline, env and
 * 1Password vars are given as "" (known to be given, value unknown), so the
 * rules that count given vars hold and only their format waits for render.
 */
export function applyHint(
  hint: Hint,
  given: Record<string, GivenVar>,
  problem: (varName: string, message: string, fix: string) => void,
): Record<string, GivenVar["value"]> {
  const out: Record<string, GivenVar["value"]> = Object.fromEntries(
    Object.entries(given).map(([k, v]) => [k, v.value]),
  );
  const provided = (n: string) => given[n] !== undefined;
  for (const [name, h] of Object.entries(hint.vars ?? {})) {
    const g = given[name];
    if (g?.static && kindOf(g.value) !== h.type)
      problem(
        name,
        `is a ${kindOf(g.value)}, but the hint says ${h.type}`,
        `give it as ${h.type === "string" ? "static" : h.type === "slice" ? "staticSlice" : "staticMap"}`,
      );
    if (!g) {
      if (h.required) {
        problem(name, "is required by the hint, and not given", `add helmfile.vars.${name}`);
        continue;
      }
      out[name] = (h.default as GivenVar["value"] | undefined) ?? zero(h.type);
    }
    if (h.required_with?.some(provided) && !g)
      problem(
        name,
        `is required when ${h.required_with.filter(provided).join(", ")} is given`,
        `add helmfile.vars.${name}`,
      );
    if (h.required_without && !h.required_without.some(provided) && !g)
      problem(
        name,
        `is required when none of ${h.required_without.join(", ")} is given`,
        `add helmfile.vars.${name} or one of those`,
      );
    const v = out[name];
    if (h.format && typeof v === "string" && v !== "" && !formatOk(h.format, v))
      problem(
        name,
        // A static value is in the file already; any other may be a secret.
        given[name]?.static
          ? `"${v}" is not a valid ${h.format}`
          : `its value is not a valid ${h.format} (not shown: it may be a secret)`,
        `give a ${h.format}${h.description ? ` (${h.description})` : ""}`,
      );
  }
  for (const r of hint.rules ?? []) {
    if (!r.vars.some(provided))
      problem(
        r.vars[0] ?? "",
        r.message ?? `one of ${r.vars.join(", ")} is required`,
        `add one of: ${r.vars.join(", ")}`,
      );
  }
  return out;
}
