/**
 * Loads tazuna.yaml as the Go tool does: template the text (.Environment),
 * parse, expand per-cluster variables, validate, expand includes (one
 * level), then check what a schema cannot: names, paths on disk, type
 * blocks, CEL conditions, hints, GenesisSecret files, regular expressions,
 * environments and the version floor. A broken entry hides no other
 * problem: every entry and every top-level field is checked on its own, and
 * names and dependsOn are checked across all entries that have them.
 */
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import semver from "semver";
import { z } from "zod";
import { ConfigError, fieldPath, type ConfigProblem } from "./errors";
import { keysAt, zodProblems } from "./issues";
import type { Addon, Check, Declaration } from "./model";
import { lineOf, parseYamlFile, type ParsedFile } from "./parse";
import {
  ManifestSchema,
  NAME_PATTERN,
  RESERVED_NAMES,
  TazunaFileSchema,
  type ManifestEntry,
  type Provider,
  type Test,
} from "./schema";
import { expandVariables, type Variables } from "./variables";
import { durationSeconds } from "./duration";
import { dependencyProblems, type Node } from "./dependencies";
import { celProblem } from "./cel";
import { hintFileFor, loadHint, applyHint, type GivenVar } from "./hints";
import { loadGenesisSecret } from "./genesis-secret";
import { renderTemplate, TemplateError } from "./template";
import { re2Problem } from "./re2";
import { TAZUNA_VERSION } from "../process/version";
import { declaredReady } from "./readiness";

const DEFAULT_TIMEOUT_SECONDS = 600;
const SHORT_TEST_TIMEOUT_SECONDS = 300;

export interface LoadOptions {
  variables?: Variables;
  /** The Go tool's -e: templated into the file as .Environment, and picks spec.environments.<name>. */
  environment?: string;
}

type Spec = z.infer<typeof TazunaFileSchema>["spec"];

interface Loaded {
  parsed: ParsedFile;
  /** The top-level fields that are valid on their own. */
  spec: Partial<Spec>;
  /** spec.manifests as written, each still to check. */
  entries: unknown[];
}

interface Located {
  entry: ManifestEntry;
  parsed: ParsedFile;
  path: PropertyKey[];
}

const NO_VARS: Variables = { cluster: "default", vars: {} };
const SPEC_FIELDS = TazunaFileSchema.shape.spec.shape;

async function templated(file: string, text: string, environment: string, problems: ConfigProblem[]) {
  try {
    return await renderTemplate(file, text, environment);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    problems.push({
      file,
      field: "",
      line: Number(/:(\d+)(?::\d+)?: /.exec(err.detail)?.[1]) || undefined,
      message: `template error: ${err.detail}`,
      fix: 'tazuna.yaml is a Go template whose only field is .Environment; write {{"{{"}} for a literal {{',
    });
    return undefined;
  }
}

async function loadFile(file: string, opts: Required<LoadOptions>, problems: ConfigProblem[]) {
  const parsed = await parseYamlFile(file, problems, (text) =>
    templated(file, text, opts.environment, problems),
  );
  if (!parsed) return undefined;
  problems.push(...variablesInGuard(parsed));
  const data = expandVariables(parsed.data, opts.variables, file, [], problems);
  const res = TazunaFileSchema.safeParse(data);
  if (!res.success) {
    problems.push(...zodProblems(parsed, res.error.issues, (p) => keysAt(TazunaFileSchema, p)));
  }
  const raw = (data as { spec?: Record<string, unknown> } | null)?.spec ?? {};
  const spec = Object.fromEntries(
    Object.entries(SPEC_FIELDS).flatMap(([k, schema]) => {
      const r = schema.safeParse(raw[k]);
      return r.success && r.data !== undefined ? [[k, r.data]] : [];
    }),
  ) as Partial<Spec>;
  const entries = Array.isArray(raw.manifests) ? (raw.manifests as unknown[]) : [];
  return { parsed, spec, entries } satisfies Loaded;
}

/** Each entry on its own: a valid one to check further, an invalid one as problems (its name still counts). */
function parseEntries(loaded: Loaded, problems: ConfigProblem[], named: Node[]): Located[] {
  const out: Located[] = [];
  loaded.entries.forEach((raw, i) => {
    const at = ["spec", "manifests", i];
    const res = ManifestSchema.safeParse(raw);
    if (res.success) {
      out.push({ entry: res.data, parsed: loaded.parsed, path: at });
      return;
    }
    problems.push(...zodProblems(loaded.parsed, res.error.issues, (p) => keysAt(ManifestSchema, p), at));
    const r = raw as { name?: unknown; dependsOn?: unknown } | null;
    if (typeof r?.name === "string") named.push(brokenNode(r.name, loaded.parsed, at));
  });
  return out;
}

/** An entry whose shape is wrong: known by name for dependsOn, with no edges of its own. */
function brokenNode(name: string, parsed: ParsedFile, at: PropertyKey[]): Node {
  return { name, dependsOn: [], origin: { file: parsed.file, field: fieldPath(at), dependsOnLines: [] } };
}

/** Expands `includes` entries in place; included files may not include again. */
async function expandIncludes(
  top: Loaded,
  opts: Required<LoadOptions>,
  problems: ConfigProblem[],
  named: Node[],
) {
  const out: Located[] = [];
  for (const l of parseEntries(top, problems, named)) {
    if (!l.entry.includes) {
      out.push(l);
      continue;
    }
    for (const [j, inc] of l.entry.includes.entries()) {
      const file = path.resolve(path.dirname(top.parsed.file), inc.path);
      const sub = await loadFile(file, opts, problems);
      if (!sub) continue;
      for (const e of parseEntries(sub, problems, named)) {
        if (e.entry.includes) {
          problems.push({
            file,
            field: fieldPath([...e.path, "includes"]),
            line: lineOf(sub.parsed, [...e.path, "includes"]),
            message: `nested includes are an error, as in the Go tool (included from ${top.parsed.file}, ${fieldPath([...l.path, "includes", j])})`,
            fix: "list the nested file directly in the top-level tazuna.yaml's includes",
          });
          continue;
        }
        out.push(e);
      }
    }
  }
  return out;
}

function problemAt(l: Located, rel: PropertyKey[], message: string, fix: string): ConfigProblem {
  const p = [...l.path, ...rel];
  return { file: l.parsed.file, field: fieldPath(p), line: lineOf(l.parsed, p), message, fix };
}

/** The type each block belongs to. */
const BLOCKS = {
  kustomize: "kustomize",
  helmfile: "helmfile",
  helm: "helm",
  manifests: "manifests",
  plugin: "plugin",
  oras: "oras",
  genesisSecret: "genesissecret",
} as const;
/** Types whose `path` may be left out: the source is elsewhere. */
const PATH_OPTIONAL = new Set(["helm", "plugin", "oras"]);
const TYPE_LIST = "kustomize, helmfile, helm, manifests, plugin, oras, genesissecret";

function nameProblems(l: Located, problems: ConfigProblem[]): string | undefined {
  const e = l.entry;
  if (e.name === undefined) {
    problems.push(
      problemAt(
        l,
        [],
        "an add-on needs a name (only an entry that holds includes may go without one)",
        "add name: with letters, digits, _ and - (^[a-zA-Z0-9_-]+$)",
      ),
    );
    return undefined;
  }
  if (!NAME_PATTERN.test(e.name)) {
    problems.push(
      problemAt(
        l,
        ["name"],
        `"${e.name}" is not a valid name`,
        "use only letters, digits, _ and - (^[a-zA-Z0-9_-]+$)",
      ),
    );
  } else if (RESERVED_NAMES.includes(e.name)) {
    problems.push(problemAt(l, ["name"], `"${e.name}" is reserved`, "pick another name"));
  }
  return e.name;
}

function pathProblems(l: Located, rootDir: string, problems: ConfigProblem[]): string | undefined {
  const e = l.entry;
  // The Go tool requires an oras add-on's path and never reads it: neither does Tazuna.
  if (e.type === "oras") return undefined;
  const dir = e.path === undefined ? undefined : path.resolve(rootDir, e.path);
  const type = e.type ?? "";
  if (dir === undefined) {
    if (!PATH_OPTIONAL.has(type) && !(type === "manifests" && e.manifests?.files))
      problems.push(
        problemAt(
          l,
          [],
          `add-on "${e.name}" (type ${type}) has no path`,
          `add path: relative to the folder of ${rootDir}`,
        ),
      );
    return undefined;
  }
  if (existsSync(dir)) return dir;
  const nearFile = path.resolve(path.dirname(l.parsed.file), e.path ?? "");
  const included = l.parsed.file !== path.join(rootDir, path.basename(l.parsed.file)) && existsSync(nearFile);
  problems.push(
    problemAt(
      l,
      ["path"],
      `path ${e.path} does not exist (resolved to ${dir})`,
      included
        ? `paths in included files are relative to the root tazuna.yaml's folder, as in the Go tool: write ${path.relative(rootDir, nearFile)}`
        : `paths are relative to the folder of the root tazuna.yaml (${rootDir}); fix the path or create it`,
    ),
  );
  return undefined;
}

/**
 * Files an add-on names inside its block (values files, manifest files):
 * found missing by `check`, not half-way through an apply. Each resolves as
 * its renderer resolves it.
 */
function fileProblems(l: Located, dir: string | undefined, rootDir: string, problems: ConfigProblem[]) {
  const e = l.entry;
  const helmfileDir = dir && statSync(dir).isDirectory() ? dir : dir && path.dirname(dir);
  const lists: [string[], string[] | undefined, string | undefined][] = [
    [["helm", "valuesFiles"], e.helm?.valuesFiles, rootDir],
    [["helmfile", "extraValueFiles"], e.helmfile?.extraValueFiles, helmfileDir],
    [["manifests", "files"], e.manifests?.files, dir ?? rootDir],
  ];
  // A sops var's file, like a GenesisSecret's sops:// source, is relative to the root folder.
  for (const [name, v] of Object.entries(e.helmfile?.vars ?? {}))
    if ("from" in v && v.from === "sops" && !existsSync(path.resolve(rootDir, v.sops.file)))
      problems.push(
        problemAt(
          l,
          ["helmfile", "vars", name, "sops", "file"],
          `${v.sops.file} does not exist (resolved to ${path.resolve(rootDir, v.sops.file)})`,
          `fix the file name, or encrypt it there with sops; it is relative to ${rootDir}`,
        ),
      );
  for (const [field, files, base] of lists)
    (files ?? []).forEach((f, i) => {
      const full = base === undefined ? undefined : path.resolve(base, f);
      if (full === undefined || existsSync(full)) return;
      problems.push(
        problemAt(
          l,
          [...field, i],
          `${f} does not exist (resolved to ${full})`,
          `fix the file name, or create it; ${field.join(".")} is relative to ${base}`,
        ),
      );
    });
}

function blockProblems(l: Located, problems: ConfigProblem[]) {
  const e = l.entry;
  for (const [block, type] of Object.entries(BLOCKS)) {
    const k = block as keyof typeof BLOCKS;
    if (e[k] !== undefined && type !== e.type)
      problems.push(
        problemAt(
          l,
          [block],
          `block "${block}" is only read for type: ${type}, but this add-on is type: ${e.type}`,
          `remove the ${block} block or change type to ${type}`,
        ),
      );
  }
  const need = (cond: boolean, message: string, fix: string) => {
    if (cond) problems.push(problemAt(l, [], `add-on "${e.name}" ${message}`, fix));
  };
  need(
    e.type === "plugin" && !e.plugin,
    "is type plugin but has no plugin block",
    "add plugin: { command: ..., args: [...] }",
  );
  need(
    e.type === "oras" && !e.oras,
    "is type oras but has no oras block",
    "add oras: { reference: registry/repo:tag, delegate: { type: kustomize } }",
  );
  need(
    e.type === "helm" && !e.helm?.chart && e.path === undefined,
    "is type helm but names no chart",
    "add path: to a chart folder, or helm.chart with helm.repo",
  );
  const ref = e.oras?.reference;
  if (ref !== undefined && !/^[^/]+\/.+(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/.test(ref))
    problems.push(
      problemAt(
        l,
        ["oras", "reference"],
        `"${ref}" has no tag or digest`,
        "write host/repo:tag or host/repo@sha256:<digest>",
      ),
    );
  if (
    e.oras?.target !== undefined &&
    path.posix.normalize(e.oras.target.replace(/^\/+/, "")).startsWith("..")
  )
    problems.push(
      problemAt(l, ["oras", "target"], "leaves the artifact's root", "name a folder inside the artifact"),
    );
}

/** A test in either form, as the gate runs it; a CEL problem is reported and the test left out. */
function toCheck(
  t: Test,
  i: number,
  at: (rel: PropertyKey[], message: string, fix: string) => void,
  defaultTimeout: number,
): Check | undefined {
  if (!("type" in t)) {
    const w = t.waitUntil;
    return {
      name: t.name ?? String(i),
      ...(w.apiVersion ? { apiVersion: w.apiVersion } : {}),
      kind: w.kind,
      objectName: w.name,
      ...(w.namespace ? { namespace: w.namespace } : {}),
      ready: declaredReady(w),
      successes: 1,
      failures: 0,
      intervalSeconds: 1,
      timeoutSeconds: w.timeout ? durationSeconds(w.timeout) : SHORT_TEST_TIMEOUT_SECONDS,
    };
  }
  const block = t.type === "WaitUntil" ? t.waitUntil : t.existNonExist;
  const key = t.type === "WaitUntil" ? "waitUntil" : "existNonExist";
  if (!block) {
    at(
      [],
      `a ${t.type} test needs its ${key} block`,
      `add ${key}: { resource: { apiVersion, kind }, name, ... }`,
    );
    return undefined;
  }
  if (t.type === "WaitUntil" && t.waitUntil) {
    const why = celProblem(t.waitUntil.condition);
    if (why) {
      at(
        ["waitUntil", "condition"],
        `CEL condition ${why}`,
        'write a CEL expression over `object`, e.g. object.status.phase == "Active"',
      );
      return undefined;
    }
  }
  return {
    name: t.name ?? `${t.type}-${i}`,
    apiVersion: block.resource.apiVersion,
    kind: block.resource.kind,
    objectName: block.name,
    ...(block.namespace ? { namespace: block.namespace } : {}),
    ready:
      t.type === "WaitUntil"
        ? { type: "cel", condition: t.waitUntil?.condition ?? "" }
        : { type: t.existNonExist?.shouldExist ? "exists" : "absent" },
    successes: t.minConsecutiveSuccessCount || 1,
    failures: t.minConsecutiveFailureCount ?? 0,
    intervalSeconds: t.intervalSeconds || 2,
    // The Go tool's 0 means "wait for ever"; here a run never hangs: the add-on's timeout.
    timeoutSeconds: t.timeoutSeconds || defaultTimeout,
  };
}

function checksOf(
  tests: readonly Test[],
  base: { file: string; parsed: ParsedFile; path: PropertyKey[] },
  defaultTimeout: number,
  problems: ConfigProblem[],
): Check[] {
  return tests.flatMap((t, i) => {
    const at = (rel: PropertyKey[], message: string, fix: string) => {
      const p = [...base.path, "tests", i, ...rel];
      problems.push({ file: base.file, field: fieldPath(p), line: lineOf(base.parsed, p), message, fix });
    };
    const c = toCheck(t, i, at, defaultTimeout);
    return c ? [c] : [];
  });
}

/** helmfile.vars as the hint sees them offline: static values as given, others given but unknown. */
function givenVars(vars: NonNullable<ManifestEntry["helmfile"]>["vars"]): Record<string, GivenVar> {
  return Object.fromEntries(
    Object.entries(vars ?? {}).map(([k, v]) => {
      if ("from" in v && v.from === "static")
        return [k, { value: v.static ?? v.staticSlice ?? v.staticMap ?? "", static: true }];
      if (!("from" in v) && "static" in v) return [k, { value: v.static, static: true }];
      return [k, { value: "", static: false }];
    }),
  );
}

async function hintOf(l: Located, dir: string | undefined, problems: ConfigProblem[]) {
  if (l.entry.type !== "helmfile" || dir === undefined) return undefined;
  const file = hintFileFor(dir);
  if (!file) return undefined;
  const hint = await loadHint(file, problems);
  if (!hint) return undefined;
  applyHint(hint, givenVars(l.entry.helmfile?.vars), (name, message, fix) =>
    problems.push(problemAt(l, ["helmfile", "vars", name], `${name} ${message} (${file})`, fix)),
  );
  return { file, hint };
}

async function checkEntry(
  l: Located,
  rootDir: string,
  providers: readonly Provider[],
  environment: string,
  problems: ConfigProblem[],
): Promise<Addon | undefined> {
  const e = l.entry;
  const before = problems.length;
  const name = nameProblems(l, problems);
  if (name === undefined) return undefined;
  if (!e.type) {
    problems.push(problemAt(l, [], `add-on "${name}" has no type`, `add type: one of ${TYPE_LIST}`));
    return undefined;
  }
  const dir = pathProblems(l, rootDir, problems);
  fileProblems(l, dir, rootDir, problems);
  blockProblems(l, problems);
  const timeoutSeconds = e.timeout
    ? durationSeconds(e.timeout)
    : e.helmfile?.timeoutSeconds || DEFAULT_TIMEOUT_SECONDS;
  const tests = checksOf(
    e.tests ?? [],
    { file: l.parsed.file, parsed: l.parsed, path: l.path },
    timeoutSeconds,
    problems,
  );
  const hint = await hintOf(l, dir, problems);
  const genesisSecret =
    e.type === "genesissecret" && dir
      ? await genesisSecretOf(l, dir, providers, problems, rootDir)
      : undefined;
  if (problems.length > before) return undefined;
  const blocks = Object.keys(BLOCKS).filter(
    (b) => b !== "genesisSecret" && e[b as keyof typeof BLOCKS] !== undefined,
  );
  return {
    name,
    ...(e.description ? { description: e.description } : {}),
    type: e.type,
    ...(dir ? { dir } : {}),
    baseDir: rootDir,
    tags: e.tags ?? [],
    dependsOn: e.dependsOn ?? [],
    ...(e.namespace ? { namespace: e.namespace } : {}),
    timeoutSeconds,
    readiness: { skip: e.readiness?.skip ?? false, waitFor: e.readiness?.waitFor ?? [] },
    ...Object.fromEntries(blocks.map((b) => [b, e[b as keyof typeof BLOCKS]])),
    ...(genesisSecret ? { genesisSecret, secretProviders: [...providers] } : {}),
    environment,
    ...(hint ? { hint } : {}),
    tests,
    pruneCrds: e.pruneCrds ?? false,
    ignoreFields: e.ignoreFields ?? [],
    handOff: e.handOff ?? false,
    origin: originOf(l),
  };
}

async function genesisSecretOf(
  l: Located,
  file: string,
  providers: readonly Provider[],
  problems: ConfigProblem[],
  rootDir: string,
) {
  if (statSync(file).isDirectory()) {
    problems.push(
      problemAt(
        l,
        ["path"],
        "a genesissecret add-on's path names one file, not a folder",
        "point path at the GenesisSecret YAML file",
      ),
    );
    return undefined;
  }
  return loadGenesisSecret(file, providers, problems, rootDir);
}

function originOf(l: Located) {
  return {
    file: l.parsed.file,
    field: fieldPath(l.path),
    line: lineOf(l.parsed, l.path),
    dependsOnLines: (l.entry.dependsOn ?? []).map((_, i) => lineOf(l.parsed, [...l.path, "dependsOn", i])),
  };
}

function checkUniqueNames(nodes: readonly Node[], problems: ConfigProblem[]) {
  const seen = new Map<string, Node>();
  for (const n of nodes) {
    const first = seen.get(n.name);
    if (first) {
      problems.push({
        file: n.origin.file,
        field: `${n.origin.field}.name`,
        line: n.origin.line,
        message: `duplicate add-on name "${n.name}" (first declared at ${first.origin.file}:${first.origin.line ?? "?"})`,
        fix: "give every add-on a unique name, across included files too",
      });
    } else seen.set(n.name, n);
  }
}

function regexProblems(
  top: Loaded,
  patterns: readonly string[],
  at: PropertyKey[],
  problems: ConfigProblem[],
) {
  patterns.forEach((re, i) => {
    const invalid = re2Problem(re);
    if (!invalid) return;
    const p = [...at, i];
    problems.push({
      file: top.parsed.file,
      field: fieldPath(p),
      line: lineOf(top.parsed, p),
      message: `not a valid RE2 pattern: ${invalid}`,
      fix: "context_matches are RE2 (Go) patterns matched against the whole context name: no look-around or back-references; escape literal dots and brackets with \\",
    });
  });
}

function checkTop(top: Loaded, environment: string, problems: ConfigProblem[]) {
  const spec = top.spec;
  regexProblems(top, spec.context_matches ?? [], ["spec", "context_matches"], problems);
  for (const [name, env] of Object.entries(spec.environments ?? {})) {
    const p = ["spec", "environments", name];
    if (name === "")
      problems.push({
        file: top.parsed.file,
        field: fieldPath(p),
        line: lineOf(top.parsed, p),
        message: "an environment needs a name",
        fix: "name it",
      });
    regexProblems(top, env?.context_matches ?? [], [...p, "context_matches"], problems);
  }
  if (environment && !Object.hasOwn(spec.environments ?? {}, environment)) {
    const known = Object.keys(spec.environments ?? {});
    problems.push({
      file: top.parsed.file,
      field: "spec.environments",
      line: lineOf(top.parsed, ["spec", "environments"]),
      message: `environment "${environment}" is not declared`,
      fix: known.length
        ? `use one of: ${known.join(", ")}`
        : `declare spec.environments.${environment} with its context_matches`,
    });
  }
  const names = (spec.providers ?? []).map((p) => p.name);
  (spec.providers ?? []).forEach((p, i) => {
    const at = ["spec", "providers", i];
    const push = (rel: PropertyKey[], message: string, fix: string) =>
      problems.push({
        file: top.parsed.file,
        field: fieldPath([...at, ...rel]),
        line: lineOf(top.parsed, [...at, ...rel]),
        message,
        fix,
      });
    if (p.name === "default-op")
      push(["name"], '"default-op" is reserved (the built-in 1Password provider)', "pick another name");
    else if (names.indexOf(p.name) !== i)
      push(["name"], `duplicate provider name "${p.name}"`, "give every provider a unique name");
    if (p.type === "onepassword")
      push(
        ["type"],
        "type onepassword is refused, as in the Go tool",
        'leave a GenesisSecret\'s provider empty to use 1Password ("default-op")',
      );
    if (p.type === "envfile" && !p.envfile)
      push([], "type envfile needs envfile: { path }", "add envfile: { path: secrets.env }");
  });
  versionProblems(top, problems);
}

function versionProblems(top: Loaded, problems: ConfigProblem[]) {
  const min = top.spec.minimumSupportedTazunaVersion;
  if (!min) return;
  const p = ["spec", "minimumSupportedTazunaVersion"];
  const at = { file: top.parsed.file, field: fieldPath(p), line: lineOf(top.parsed, p) };
  if (!semver.valid(min.replace(/^v/, "")))
    problems.push({
      ...at,
      message: `"${min}" is not a semantic version`,
      fix: 'write a version like "0.1.0"',
    });
  else if (semver.lt(TAZUNA_VERSION, min.replace(/^v/, "")))
    problems.push({
      ...at,
      message: `this file needs Tazuna ${min} or newer; this is ${TAZUNA_VERSION}`,
      fix: "upgrade Tazuna",
    });
}

/**
 * The guard's patterns are written literally: a ${vars.x} there could be
 * set from the environment to ".*" and let every context through.
 */
function variablesInGuard(parsed: ParsedFile): ConfigProblem[] {
  const spec = (parsed.data as { spec?: Record<string, unknown> } | null)?.spec ?? {};
  const lists: [PropertyKey[], unknown][] = [[["spec", "context_matches"], spec.context_matches]];
  const envs = spec.environments;
  if (envs && typeof envs === "object")
    for (const [name, env] of Object.entries(envs))
      lists.push([
        ["spec", "environments", name, "context_matches"],
        (env as { context_matches?: unknown } | null)?.context_matches,
      ]);
  return lists.flatMap(([at, list]) =>
    (Array.isArray(list) ? list : []).flatMap((p: unknown, i) =>
      typeof p === "string" && /(^|[^$])\$\{/.test(p)
        ? [
            {
              file: parsed.file,
              field: fieldPath([...at, i]),
              line: lineOf(parsed, [...at, i]),
              message: "a variable in context_matches: a value from outside the file could widen the guard",
              fix: "write the pattern literally (one stack file per cluster holds what differs)",
            },
          ]
        : [],
    ),
  );
}

/** The guard in force: -e NAME replaces the root's patterns (an empty mode inherits the root's). */
function guardOf(spec: Partial<Spec>, environment: string) {
  const env = environment ? spec.environments?.[environment] : undefined;
  if (environment)
    return {
      contextMatches: env?.context_matches ?? [],
      matchMode: env?.context_match_mode || spec.context_match_mode || "or",
      guardField: `spec.environments.${environment}.context_matches`,
      rootContextMatches: spec.context_matches ?? [],
    };
  return {
    rootContextMatches: spec.context_matches ?? [],
    contextMatches: spec.context_matches ?? [],
    matchMode: spec.context_match_mode ?? "or",
    guardField: "spec.context_matches",
  };
}

/** Problems by file and line, so the report reads top to bottom whatever order the checks ran in. */
function inFileOrder(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
}

/** Loads and validates `file`; throws ConfigError listing every problem. */
export async function loadDeclaration(file: string, options: LoadOptions = {}): Promise<Declaration> {
  const abs = path.resolve(file);
  const opts = { variables: options.variables ?? NO_VARS, environment: options.environment ?? "" };
  const problems: ConfigProblem[] = [];
  const top = await loadFile(abs, opts, problems);
  if (!top) throw new ConfigError(problems);
  checkTop(top, opts.environment, problems);
  const broken: Node[] = [];
  const located = await expandIncludes(top, opts, problems, broken);
  const providers = top.spec.providers ?? [];
  const rootDir = path.dirname(abs);
  const checked = await Promise.all(
    located.map((l) => checkEntry(l, rootDir, providers, opts.environment, problems)),
  );
  const addons = checked.filter((a): a is Addon => a !== undefined);
  // Entries with a name but other problems still count as declared, so no false "unknown add-on".
  const nodes: Node[] = [
    ...located.flatMap((l) =>
      l.entry.name === undefined
        ? []
        : [{ name: l.entry.name, dependsOn: l.entry.dependsOn ?? [], origin: originOf(l) }],
    ),
    ...broken,
  ];
  checkUniqueNames(nodes, problems);
  problems.push(...dependencyProblems(nodes));
  const tests = checksOf(
    top.spec.tests ?? [],
    { file: abs, parsed: top.parsed, path: ["spec"] },
    DEFAULT_TIMEOUT_SECONDS,
    problems,
  );
  if (problems.length > 0) throw new ConfigError(inFileOrder(problems));
  return {
    file: abs,
    environment: opts.environment,
    addons,
    ...guardOf(top.spec, opts.environment),
    providers,
    tests,
  };
}
