/**
 * Loads tazuna.yaml: parse, expand per-cluster variables, validate against
 * the schema, expand includes (one level), then check what a schema cannot:
 * names, paths on disk, type blocks, regular expressions and the version floor.
 * Every problem is collected, so one run shows them all.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import semver from "semver";
import { ConfigError, fieldPath, type ConfigProblem } from "./errors";
import { keysAt, zodProblems } from "./issues";
import type { Addon, Declaration } from "./model";
import { lineOf, parseYamlFile, type ParsedFile } from "./parse";
import {
  NAME_PATTERN,
  RESERVED_NAMES,
  TazunaFileSchema,
  type ManifestEntry,
  type TazunaFile,
} from "./schema";
import { expandVariables, type Variables } from "./variables";
import { durationSeconds } from "./duration";
import { dependencyProblems } from "./dependencies";
import { re2Problem } from "../guard/context";
import { TAZUNA_VERSION } from "../version";
const DEFAULT_TIMEOUT_SECONDS = 600;

export interface LoadOptions {
  variables?: Variables;
}

interface Located {
  entry: ManifestEntry;
  parsed: ParsedFile;
  path: PropertyKey[];
}

const NO_VARS: Variables = { cluster: "default", vars: {} };

async function loadFile(file: string, vars: Variables, problems: ConfigProblem[]) {
  const parsed = await parseYamlFile(file, problems);
  if (!parsed) return undefined;
  const data = expandVariables(parsed.data, vars, file, [], problems);
  const res = TazunaFileSchema.safeParse(data);
  if (!res.success) {
    problems.push(...zodProblems(parsed, res.error.issues, (p) => keysAt(TazunaFileSchema, p)));
    return undefined;
  }
  return { parsed, file: res.data };
}

/** Expands `includes` entries in place; included files may not include again. */
async function expandIncludes(
  top: { parsed: ParsedFile; file: TazunaFile },
  vars: Variables,
  problems: ConfigProblem[],
) {
  const out: Located[] = [];
  for (const [i, entry] of top.file.spec.manifests.entries()) {
    const at = ["spec", "manifests", i];
    if (!entry.includes) {
      out.push({ entry, parsed: top.parsed, path: at });
      continue;
    }
    for (const [j, inc] of entry.includes.entries()) {
      const file = path.resolve(path.dirname(top.parsed.file), inc.path);
      const sub = await loadFile(file, vars, problems);
      if (!sub) continue;
      for (const [k, e] of sub.file.spec.manifests.entries()) {
        if (e.includes) {
          problems.push({
            file,
            field: fieldPath(["spec", "manifests", k, "includes"]),
            line: lineOf(sub.parsed, ["spec", "manifests", k, "includes"]),
            message: `nested includes are not expanded (included from ${top.parsed.file}, ${fieldPath([...at, "includes", j])})`,
            fix: "list the nested file directly in the top-level tazuna.yaml's includes",
          });
          continue;
        }
        out.push({ entry: e, parsed: sub.parsed, path: ["spec", "manifests", k] });
      }
    }
  }
  return out;
}

function problemAt(l: Located, rel: PropertyKey[], message: string, fix: string): ConfigProblem {
  const p = [...l.path, ...rel];
  return { file: l.parsed.file, field: fieldPath(p), line: lineOf(l.parsed, p), message, fix };
}

const BLOCKS = ["kustomize", "helmfile", "helm", "manifests", "plugin", "oras"] as const;
/** Types whose `path` may be left out: the source is elsewhere. */
const PATH_OPTIONAL = new Set(["helm", "plugin", "oras"]);

function checkEntry(l: Located, problems: ConfigProblem[]): Addon | undefined {
  const e = l.entry;
  const before = problems.length;
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
  if (!e.type) {
    problems.push(
      problemAt(
        l,
        [],
        `add-on "${e.name}" has no type`,
        "add type: one of kustomize, helmfile, helm, manifests, plugin",
      ),
    );
    return undefined;
  }
  const baseDir = path.dirname(l.parsed.file);
  const dir = e.path === undefined ? undefined : path.resolve(baseDir, e.path);
  if (dir === undefined && !PATH_OPTIONAL.has(e.type) && !(e.type === "manifests" && e.manifests?.files)) {
    problems.push(
      problemAt(
        l,
        [],
        `add-on "${e.name}" (type ${e.type}) has no path`,
        `add path: the folder (relative to ${l.parsed.file}) that holds it`,
      ),
    );
  } else if (dir !== undefined && !existsSync(dir)) {
    problems.push(
      problemAt(
        l,
        ["path"],
        `path ${e.path} does not exist (resolved to ${dir})`,
        `paths are relative to the folder of ${l.parsed.file}; fix the path or create it`,
      ),
    );
  }
  for (const b of BLOCKS) {
    if (e[b] !== undefined && b !== e.type && !(b === e.oras?.delegate.type && e.type === "oras")) {
      problems.push(
        problemAt(
          l,
          [b],
          `block "${b}" is only read for type: ${b}, but this add-on is type: ${e.type}`,
          `remove the ${b} block or change type to ${b}`,
        ),
      );
    }
  }
  if (e.type === "plugin" && !e.plugin)
    problems.push(
      problemAt(
        l,
        [],
        `add-on "${e.name}" is type plugin but has no plugin block`,
        "add plugin: { command: ..., args: [...] }",
      ),
    );
  if (e.type === "oras" && !e.oras)
    problems.push(
      problemAt(
        l,
        [],
        `add-on "${e.name}" is type oras but has no oras block`,
        "add oras: { reference: ..., delegate: { type: kustomize } }",
      ),
    );
  if (e.type === "helm" && !e.helm?.chart && dir === undefined)
    problems.push(
      problemAt(
        l,
        [],
        `add-on "${e.name}" is type helm but names no chart`,
        "add path: to a chart folder, or helm.chart with helm.repo",
      ),
    );
  if (e.type === "oras")
    problems.push(
      problemAt(
        l,
        ["type"],
        "type oras is not supported yet: it needs an OCI registry, and none is reachable here",
        "pull the artifact into the repository (oras pull) and declare it as kustomize or helmfile",
      ),
    );
  if (e.type === "genesissecret")
    problems.push(
      problemAt(
        l,
        ["type"],
        "type genesissecret is not supported: Tazuna holds references to secrets, never generates them",
        "create the Secret with your secret operator (External Secrets, SOPS) as its own add-on",
      ),
    );
  if (problems.length > before) return undefined;
  return {
    name: e.name,
    ...(e.description ? { description: e.description } : {}),
    type: e.type,
    ...(dir ? { dir } : {}),
    baseDir,
    tags: e.tags ?? [],
    dependsOn: e.dependsOn ?? [],
    ...(e.namespace ? { namespace: e.namespace } : {}),
    timeoutSeconds: e.timeout ? durationSeconds(e.timeout) : DEFAULT_TIMEOUT_SECONDS,
    readiness: { skip: e.readiness?.skip ?? false, waitFor: e.readiness?.waitFor ?? [] },
    ...Object.fromEntries(BLOCKS.filter((b) => e[b] !== undefined).map((b) => [b, e[b]])),
    tests: e.tests ?? [],
    origin: {
      file: l.parsed.file,
      field: fieldPath(l.path),
      line: lineOf(l.parsed, l.path),
      dependsOnLines: (e.dependsOn ?? []).map((_, i) => lineOf(l.parsed, [...l.path, "dependsOn", i])),
    },
  };
}

function checkUniqueNames(located: Located[], problems: ConfigProblem[]) {
  const seen = new Map<string, Located>();
  for (const l of located) {
    const name = l.entry.name;
    if (name === undefined) continue; // checkEntry says it needs one
    const first = seen.get(name);
    if (first) {
      problems.push(
        problemAt(
          l,
          ["name"],
          `duplicate add-on name "${name}" (first declared at ${first.parsed.file}:${lineOf(first.parsed, first.path) ?? "?"})`,
          "give every add-on a unique name, across included files too",
        ),
      );
    } else seen.set(name, l);
  }
}

function checkTop(top: { parsed: ParsedFile; file: TazunaFile }, problems: ConfigProblem[]) {
  const spec = top.file.spec;
  for (const [i, re] of (spec.context_matches ?? []).entries()) {
    const invalid = re2Problem(re);
    if (invalid) {
      const p = ["spec", "context_matches", i];
      problems.push({
        file: top.parsed.file,
        field: fieldPath(p),
        line: lineOf(top.parsed, p),
        message: `not a valid RE2 pattern: ${invalid}`,
        fix: "context_matches are RE2 (Go) patterns matched against the whole context name: no look-around or back-references; escape literal dots and brackets with \\",
      });
    }
  }
  const min = spec.minimumSupportedTazunaVersion;
  if (min !== undefined) {
    const p = ["spec", "minimumSupportedTazunaVersion"];
    const at = { file: top.parsed.file, field: fieldPath(p), line: lineOf(top.parsed, p) };
    if (!semver.valid(semver.coerce(min)))
      problems.push({ ...at, message: `"${min}" is not a version`, fix: 'write a version like "0.1.0"' });
    else if (semver.lt(TAZUNA_VERSION, semver.coerce(min) ?? "0.0.0"))
      problems.push({
        ...at,
        message: `this file needs Tazuna ${min} or newer; this is ${TAZUNA_VERSION}`,
        fix: "upgrade Tazuna",
      });
  }
}

/** Loads and validates `file`; throws ConfigError listing every problem. */
export async function loadDeclaration(file: string, opts: LoadOptions = {}): Promise<Declaration> {
  const abs = path.resolve(file);
  const vars = opts.variables ?? NO_VARS;
  const problems: ConfigProblem[] = [];
  const top = await loadFile(abs, vars, problems);
  if (!top) throw new ConfigError(problems);
  checkTop(top, problems);
  const located = await expandIncludes(top, vars, problems);
  checkUniqueNames(located, problems);
  const addons = located.map((l) => checkEntry(l, problems)).filter((a): a is Addon => a !== undefined);
  if (problems.length === 0) {
    problems.push(...dependencyProblems(addons));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    file: abs,
    addons,
    contextMatches: top.file.spec.context_matches ?? [],
    matchMode: top.file.spec.context_match_mode ?? "or",
    tests: top.file.spec.tests ?? [],
  };
}
