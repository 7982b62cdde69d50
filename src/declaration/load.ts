/**
 * Loads tazuna.yaml as the Go tool does: template the text (.Environment),
 * parse, expand per-cluster variables, validate, expand includes (one
 * level), then check what a schema cannot: names, paths on disk, each
 * type's own checks, tests, environments and the guard's patterns,
 * providers and the version floor. A broken entry hides no other problem:
 * every entry and every top-level field is checked on its own, and names
 * and dependsOn across all entries that have them. Every problem is
 * reported at once, in file order.
 */
import * as path from "node:path";
import type { Addon } from "../addon-types";
import { ConfigError, type ConfigProblem } from "../config/errors";
import type { Variables } from "../config/variables";
import { dependencyProblems, duplicateNames, type Node } from "./dependencies";
import { DEFAULT_TIMEOUT_SECONDS, checkEntry, originOf } from "./entry";
import { environmentProblems, guardOf } from "./environments";
import { loadFile } from "./file";
import { expandIncludes, type Located } from "./includes";
import type { Declaration } from "./model";
import { providerProblems } from "./providers";
import { checksOf } from "./tests";
import { versionProblems } from "./version-floor";

export interface LoadOptions {
  variables?: Variables;
  /** The Go tool's -e: templated into the file as .Environment, and picks spec.environments.<name>. */
  environment?: string;
}

const NO_VARS: Variables = { cluster: "default", vars: {} };

/** Problems by file and line, so the report reads top to bottom whatever order the checks ran in. */
function inFileOrder(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
}

/** Entries with a name but other problems still count as declared, so no false "unknown add-on". */
function nodesOf(located: readonly Located[], broken: readonly Node[]): Node[] {
  const named = located.flatMap((l) =>
    l.entry.name === undefined
      ? []
      : [{ name: l.entry.name, dependsOn: l.entry.dependsOn ?? [], origin: originOf(l) }],
  );
  return [...named, ...broken];
}

/** Loads and validates `file`; throws ConfigError listing every problem. */
export async function loadDeclaration(file: string, options: LoadOptions = {}): Promise<Declaration> {
  const abs = path.resolve(file);
  const opts = { variables: options.variables ?? NO_VARS, environment: options.environment ?? "" };
  const problems: ConfigProblem[] = [];
  const top = await loadFile(abs, opts, problems);
  if (!top) throw new ConfigError(problems);
  const { parsed, spec } = top;
  const providers = spec.providers ?? [];
  problems.push(
    ...environmentProblems(parsed, spec, opts.environment),
    ...providerProblems(parsed, providers),
    ...versionProblems(parsed, spec.minimumSupportedTazunaVersion),
  );
  const broken: Node[] = [];
  const located = await expandIncludes(top, opts, problems, broken);
  const ctx = { rootDir: path.dirname(abs), providers, environment: opts.environment };
  const checked = await Promise.all(located.map((l) => checkEntry(l, ctx, problems)));
  const addons = checked.filter((a): a is Addon => a !== undefined);
  const nodes = nodesOf(located, broken);
  problems.push(...duplicateNames(nodes), ...dependencyProblems(nodes));
  const tests = checksOf(spec.tests ?? [], { parsed, path: ["spec"] }, DEFAULT_TIMEOUT_SECONDS, problems);
  if (problems.length > 0) throw new ConfigError(inFileOrder(problems));
  return {
    file: abs,
    environment: opts.environment,
    addons,
    ...guardOf(spec, opts.environment),
    providers,
    tests,
  };
}
