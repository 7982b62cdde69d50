/**
 * type: helmfile — `helmfile template`. Each of `helmfile.vars` reaches the
 * helmfile template as `.Values` / `.StateValues` (a state-values file), as
 * in the Go tool, and a string var also as an environment variable of the
 * helmfile process (this project's earlier form, read with requiredEnv).
 * Vars come from a static value (string, list or map), the caller's
 * environment, or 1Password; tazuna.hint.yaml fills defaults and checks them.
 */
import { existsSync, statSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import * as path from "node:path";
import { ApiVersionSchema, ArgumentSchema, VarSourceSchema, type VarSource } from "../config/schema";
import { addonType, missingFiles, type EntryCheck, type Extras, type WithBlock } from "./contract";
import { storeValue } from "../secrets/sources";
import { refuseOutsideSecrets } from "../secrets/placement";
import { applyHint, hintFileFor, loadHint, type GivenVar } from "../config/hints";
import { parseObjects, withDefaultNamespace, type K8sObject } from "../kube/objects";
import { runTool } from "../render/run";
import { scratchDir, scratchFile } from "../process/temp";
import { rememberSecret } from "../process/scrub";
import { RenderError } from "../errors/render";
import { parseAllDocuments } from "yaml";
import { z } from "zod";

export const HelmfileSchema = z.strictObject({
  vars: z.record(z.string(), VarSourceSchema).optional(),
  environment: z.string().min(1).optional(),
  includeCRDs: z.boolean().optional(),
  defaultNamespace: z.string().optional(),
  /** Value files merged over every release's values, relative to the helmfile's folder. */
  extraValueFiles: z.array(z.string().min(1)).optional(),
  wait: z.boolean().optional(),
  /** The Go tool's limit for `wait`; here the add-on's readiness timeout. */
  timeoutSeconds: z.number().int().min(0).optional(),
  kubeVersion: z.union([z.literal(""), ArgumentSchema]).optional(),
  /** helm's --api-versions: APIs the charts may test for with .Capabilities.APIVersions.Has. */
  apiVersions: z.array(ApiVersionSchema).optional(),
});

type Helmfile = z.infer<typeof HelmfileSchema>;
/** An add-on rendered by helmfile: its own, or an oras artifact's delegate. */
export type HelmfileAddon = WithBlock<"helmfile", Helmfile>;

type Value = GivenVar["value"];

function fromEnv(a: HelmfileAddon, name: string, variable: string): string {
  const v = process.env[variable];
  if (v === undefined)
    throw new RenderError(
      a.name,
      `helmfile var ${name}`,
      `environment variable ${variable} is not set`,
      `export ${variable} before running, or use from: static`,
    );
  return v;
}

async function resolveVar(a: HelmfileAddon, name: string, src: VarSource): Promise<GivenVar> {
  if ("from" in src) {
    if (src.from === "static")
      return { value: src.static ?? src.staticSlice ?? src.staticMap ?? "", static: true };
    if (src.from === "env") return { value: fromEnv(a, name, src.env), static: false };
    // Named in errors (never the value) as the add-on's var, then the source and key.
    const value = await storeValue(src, a.baseDir, `add-on "${a.name}": helmfile.vars.${name}`);
    return { value, static: false, secret: true };
  }
  if ("static" in src) return { value: src.static, static: true };
  if ("env" in src) return { value: fromEnv(a, name, src.env), static: false };
  const value = await runTool({
    addon: a.name,
    command: "op",
    args: ["read", src.op],
    cwd: a.baseDir,
    inherit: [/^OP_/],
    fix: "sign in to 1Password (op signin) and check the reference",
  });
  rememberSecret(value);
  return { value, static: false, secret: true };
}

interface Vars {
  values: Record<string, Value>;
  /** The vars whose values came from a secret store. */
  secret: Record<string, string>;
}

async function resolveVars(a: HelmfileAddon): Promise<Vars> {
  const given: Record<string, GivenVar> = {};
  for (const [k, src] of Object.entries(a.helmfile?.vars ?? {})) given[k] = await resolveVar(a, k, src);
  const secret = Object.fromEntries(
    Object.entries(given).flatMap(([k, v]) =>
      v.secret && typeof v.value === "string" ? [[k, v.value]] : [],
    ),
  );
  return { values: await hinted(a, given), secret };
}

async function hinted(a: HelmfileAddon, given: Record<string, GivenVar>): Promise<Record<string, Value>> {
  if (!a.hint) return Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v.value]));
  const broken: string[] = [];
  const out = applyHint(a.hint.hint, given, (n, message) => broken.push(`${n} ${message}`));
  if (broken.length > 0)
    throw new RenderError(
      a.name,
      `helmfile vars against ${a.hint.file}`,
      broken.join("\n"),
      "fix helmfile.vars to match the hint",
    );
  return out;
}

/** The helmfile itself, found in a folder as the Go tool looks for it. */
function helmfileOf(dir: string): string {
  if (!statSync(dir).isDirectory()) return dir;
  const names = ["helmfile.yaml.gotmpl", "helmfile.yaml", "helmfile.yml.gotmpl", "helmfile.yml"];
  return names.map((n) => path.join(dir, n)).find((f) => existsSync(f)) ?? path.join(dir, "helmfile.yaml");
}

/**
 * The helmfile as the Go tool renders it, through a .gotmpl copy beside it
 * (so its relative chart paths still hold) where helmfile alone would
 * differ: the Go tool templates every helmfile, helmfile only *.gotmpl
 * files; and it gives a helmfile's template the -e environment as
 * .Environment.Name, which helmfile accepts only for an environment the
 * helmfile declares, so the copy declares it in a first part of its own.
 */
async function asGoRenders(
  file: string,
  environment: string,
): Promise<{ file: string; cleanup: () => Promise<void> }> {
  const text = await readFile(file, "utf8");
  const declare = environment !== "" && !/^environments:/m.test(text);
  if (!declare && (file.endsWith(".gotmpl") || !text.includes("{{")))
    return { file, cleanup: async () => undefined };
  const copy = path.join(
    path.dirname(file),
    `.tazuna-${process.pid}-${path.basename(file).replace(/\.gotmpl$/, "")}.gotmpl`,
  );
  // Beside the original, so its relative paths hold; removed on exit and on signals too.
  const cleanup = await scratchFile(
    copy,
    declare ? `environments:\n  ${JSON.stringify(environment)}: {}\n---\n${text}` : text,
  );
  return { file: copy, cleanup };
}

/**
 * Template functions that reach outside the helmfile: the environment,
 * files, programs. The Go tool removes env and expandenv from artifacts'
 * helmfiles; an artifact is code from a registry, so Tazuna refuses each of
 * these in every template file of it (helmfile itself has no switch).
 */
const OUTSIDE = [
  "env",
  "requiredEnv",
  "expandenv",
  "exec",
  "readFile",
  "readDir",
  "readDirEntries",
  "getEnv",
];
const OUTSIDE_CALL = new RegExp(`(?<![.$\\w])(${OUTSIDE.join("|")})\\b`, "g");

const READS = /(?<![.$\w])(readFile|readDir|readDirEntries)\s+("(?:[^"\\]|\\.)*"|\S+)/g;

const actions = (text: string) => [...text.matchAll(/\{\{(.*?)\}\}/gs)].map((m) => m[1] ?? "");
const masked = (code: string) => code.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`/g, '""');

/** The first function of OUTSIDE called inside a {{ }} action of `text`, if any. */
export function outsideFunction(text: string): string | undefined {
  for (const code of actions(text)) {
    const hit = [...masked(code).matchAll(OUTSIDE_CALL)][0];
    if (hit) return hit[1];
  }
  return undefined;
}

/**
 * A local helmfile is the team's own code and keeps env and requiredEnv
 * (vars reach it as variables), but not exec, and reads only relative paths
 * inside its folder: neither runs a program nor reads a key file elsewhere.
 */
export function localProblem(text: string): string | undefined {
  for (const code of actions(text)) {
    if (/(?<![.$\w])exec\b/.test(masked(code))) return "exec, which runs a program";
    for (const m of code.matchAll(READS)) {
      const arg = m[2] ?? "";
      const literal = /^"(.*)"$/.exec(arg)?.[1];
      if (literal === undefined || literal.startsWith("/") || literal.split(/[\\/]/).includes(".."))
        return `${m[1]} ${arg}, which reads outside the helmfile's folder`;
    }
  }
  return undefined;
}

async function templateFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).filter((f) => /\.(gotmpl|ya?ml|tpl)$/.test(f));
}

async function refuseOutsideFunctions(a: HelmfileAddon, dir: string, fromArtifact: boolean): Promise<void> {
  const files = fromArtifact
    ? await templateFiles(dir)
    : (await readdir(dir)).filter((f) => /\.gotmpl$|^helmfile\.ya?ml$/.test(f));
  for (const f of files) {
    const text = await readFile(path.join(dir, f), "utf8");
    const fn = fromArtifact ? outsideFunction(text) : localProblem(text);
    if (fn === undefined) continue;
    throw new RenderError(
      a.name,
      `helmfile template ${f}`,
      fromArtifact
        ? `the artifact's ${f} calls ${fn}, which reads outside the artifact (the environment, files or programs)`
        : `${f} calls ${fn}`,
      fromArtifact
        ? "an artifact's helmfile gets only its vars (.Values / .StateValues): pass what it needs as helmfile vars"
        : "pass what it needs as helmfile vars (.Values, or env through helmfile.vars), or read a file beside it by a relative path",
    );
  }
}

/** A helmfile ready to run: its global flags (state values, environment), the environment, where. */
interface Prepared {
  global: string[];
  env: Record<string, string>;
  file: string;
  dir: string;
  /** The vars whose values came from a secret store. */
  secret: Record<string, string>;
  done: () => Promise<void>;
}

async function prepare(a: HelmfileAddon, fromArtifact: boolean): Promise<Prepared> {
  const folder = a.dir ?? a.baseDir;
  await refuseOutsideFunctions(
    a,
    statSync(folder).isDirectory() ? folder : path.dirname(folder),
    fromArtifact,
  );
  const h = a.helmfile ?? {};
  const { values: vars, secret } = await resolveVars(a);
  // Without HELMFILE_UPGRADE_NOTICE_DISABLED, helmfile asks github.com for a newer release.
  const env: Record<string, string> = { HELMFILE_UPGRADE_NOTICE_DISABLED: "1" };
  for (const [k, v] of Object.entries(vars)) if (typeof v === "string") env[k] = v;
  const file = helmfileOf(a.dir ?? a.baseDir);
  const scratch = await scratchDir("helmfile");
  const environment = h.environment ?? a.environment;
  const tmpl = await asGoRenders(file, h.environment ? "" : a.environment);
  // JSON, not YAML: helmfile reads YAML 1.1, where an unquoted "no" would be false.
  const values = await scratch.write("state-values.yaml", JSON.stringify(vars));
  const global = ["--state-values-file", values, ...(environment ? ["--environment", environment] : [])];
  return {
    global: [...global, "--file", tmpl.file],
    env,
    file,
    dir: path.dirname(file),
    secret,
    done: async () => {
      await tmpl.cleanup();
      await scratch.remove();
    },
  };
}

export async function renderHelmfile(
  a: HelmfileAddon,
  opts: { fromArtifact?: boolean } = {},
): Promise<K8sObject[]> {
  const h = a.helmfile ?? {};
  const run = await prepare(a, opts.fromArtifact === true);
  const { file, dir, env, secret } = run;
  try {
    const args = [...run.global, "template", "--skip-deps", "--skip-tests", "--quiet"];
    if (h.includeCRDs !== false) args.push("--include-crds");
    if (h.kubeVersion) args.push("--kube-version", h.kubeVersion);
    // helmfile takes helm's extra flags as one string it splits on spaces; the schema lets
    // no space or leading dash into an API version (ApiVersionSchema), so none can add a flag.
    if (h.apiVersions?.length) args.push("--args", h.apiVersions.map((v) => `--api-versions=${v}`).join(" "));
    for (const f of h.extraValueFiles ?? []) args.push("--values", path.resolve(dir, f));
    const out = await runTool({
      addon: a.name,
      command: "helmfile",
      args,
      cwd: dir,
      env,
      fix: `fix the helmfile ${file}; run the command above to see the same error`,
    });
    const objects = withDefaultNamespace(
      parseObjects(out, `helmfile template ${file}`),
      h.defaultNamespace || a.namespace,
    );
    refuseOutsideSecrets(a.name, "helmfile.vars", secret, objects);
    return objects;
  } finally {
    await run.done();
  }
}

const HelmfileStateSchema = z
  .object({
    repositories: z
      .array(
        z.object({ name: z.string(), url: z.string().default(""), oci: z.boolean().default(false) }).loose(),
      )
      .nullish(),
    releases: z
      .array(
        z
          .object({
            name: z.string(),
            chart: z.string(),
            version: z.union([z.string(), z.number()]).transform(String).optional(),
          })
          .loose(),
      )
      .nullish(),
  })
  .loose();

export interface HelmfileRelease {
  release: string;
  chart: string;
  version: string;
  /** Where the chart comes from: an HTTP repository's URL, an oci:// reference, or "" for a local chart. */
  source: string;
  file: string;
}

/** Each release of a helmfile with its chart, version and repository, as `helmfile build` renders the state. */
export async function helmfileReleases(a: HelmfileAddon): Promise<HelmfileRelease[]> {
  const run = await prepare(a, false);
  try {
    const out = await runTool({
      addon: a.name,
      command: "helmfile",
      args: [...run.global, "build"],
      cwd: run.dir,
      env: run.env,
      fix: `fix the helmfile ${run.file}; run the command above to see the same error`,
    });
    const docs = parseAllDocuments(out).map((d) => HelmfileStateSchema.parse(d.toJSON() ?? {}));
    const repos = new Map(docs.flatMap((d) => d.repositories ?? []).map((r) => [r.name, r]));
    return docs.flatMap((d) =>
      (d.releases ?? []).map((r) => {
        const [prefix = "", ...rest] = r.chart.split("/");
        const repo = repos.get(prefix);
        const source = r.chart.startsWith("oci://")
          ? r.chart
          : repo
            ? repo.oci
              ? `oci://${repo.url.replace(/^oci:\/\//, "")}/${rest.join("/")}`
              : repo.url
            : "";
        return { release: r.name, chart: r.chart, version: r.version ?? "", source, file: run.file };
      }),
    );
  } finally {
    await run.done();
  }
}

/** helmfile.vars as the hint sees them offline: static values as given, others given but unknown. */
function givenVars(vars: Helmfile["vars"]): Record<string, GivenVar> {
  return Object.fromEntries(
    Object.entries(vars ?? {}).map(([k, v]) => {
      if ("from" in v && v.from === "static")
        return [k, { value: v.static ?? v.staticSlice ?? v.staticMap ?? "", static: true }];
      if (!("from" in v) && "static" in v) return [k, { value: v.static, static: true }];
      return [k, { value: "", static: false }];
    }),
  );
}

/**
 * What `check` finds: a sops var's file (like a GenesisSecret's sops://
 * source, relative to the root folder), value files (relative to the
 * helmfile's folder), and the vars against tazuna.hint.yaml.
 */
async function checked(e: EntryCheck<Helmfile>): Promise<Extras | undefined> {
  for (const [name, v] of Object.entries(e.block?.vars ?? {}))
    if ("from" in v && v.from === "sops" && !existsSync(path.resolve(e.rootDir, v.sops.file)))
      e.problem(
        ["helmfile", "vars", name, "sops", "file"],
        `${v.sops.file} does not exist (resolved to ${path.resolve(e.rootDir, v.sops.file)})`,
        `fix the file name, or encrypt it there with sops; it is relative to ${e.rootDir}`,
      );
  const dir = e.dir && statSync(e.dir).isDirectory() ? e.dir : e.dir && path.dirname(e.dir);
  missingFiles(e, ["helmfile", "extraValueFiles"], e.block?.extraValueFiles, dir);
  const file = e.dir === undefined ? undefined : hintFileFor(e.dir);
  const hint = file ? await loadHint(file, e.problems) : undefined;
  if (!file || !hint) return undefined;
  applyHint(hint, givenVars(e.block?.vars), (name, message, fix) =>
    e.problem(["helmfile", "vars", name], `${name} ${message} (${file})`, fix),
  );
  return { hint: { file, hint } };
}

export const helmfile = addonType({
  name: "helmfile",
  field: "helmfile",
  block: HelmfileSchema,
  timeoutSeconds: (block) => block?.timeoutSeconds || undefined,
  check: checked,
  tools: ["helmfile", "helm"],
  render: (a) => renderHelmfile(a),
});
