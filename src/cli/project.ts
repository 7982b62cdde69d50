/**
 * What every command shares: the project folder, which Pulumi project and
 * program run, which cluster, and the declaration.
 *
 * Three kinds of folder, told apart by what is in them:
 * - a Pulumi project (Pulumi.yaml): the CLI runs that project's own program,
 *   under its name, on the stacks in stacks/, exactly as `pulumi up` does;
 * - stack files only (stacks/Pulumi.<cluster>.yaml, no Pulumi.yaml): the
 *   built-in program, under a project name taken from the folder;
 * - a bare tazuna.yaml, as the Go tool is used: the current kubeconfig
 *   context (or --context) is the cluster, and the stack is named after it.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { loadDeclaration } from "../declaration/load";
import type { Declaration } from "../declaration/model";
import { currentContext, expandHome, kubeconfigFiles, stackNameOf } from "../kube/kubeconfig";
import type { StackSettings } from "../config/settings";
import { listClusters, loadStackSettings, stackFileLabel, stackFilePath } from "../config/stack-file";
import { placeholderVars, resolveStackVars } from "../secrets/stack-vars";
import { layeredVars } from "../config/var-flags";
import type { RunFlags } from "../program/run-env";
import type { CacheMode } from "../render/artifact-cache";
import { unguardedEnvironment } from "../guard/context";
import { UsageError } from "./errors";
import { log } from "./output";
import { refuseKubeconfig } from "./preflight";

export interface GlobalOptions {
  /** The tazuna.yaml to use; default the stack's tazuna:file, then ./tazuna.yaml. */
  file?: string;
  /** One name, or several separated by commas. */
  cluster?: string;
  /** Every stack file in the project. */
  all?: boolean;
  /** How many clusters run at once with --all or a list. */
  concurrency?: number;
  project: string;
  backend?: string;
  output: "text" | "json" | "markdown";
  /** Folders without stack files: the kubeconfig context to use instead of the current one. */
  context?: string;
  /** A kubeconfig file, as KUBECONFIG=<file> (a stack's tazuna:kubeconfig still wins). */
  kubeconfig?: string;
  /** The Pulumi project name of the built-in program (default: the folder's name). */
  projectName?: string;
  /** The Go tool's -e: the environment, where no stack file names one. */
  environment?: string;
  /** --var NAME=VALUE, repeatable: over the stack file's tazuna:vars. */
  var?: string[];
  /** --var-file FILE, repeatable: a YAML map of vars, under --var. */
  varFile?: string[];
  /** An environment without context_matches may drop the root's guard on apply and destroy. */
  allowAnyContext?: boolean;
  /** The Go tool's -l: debug, info, warn or error (output.ts). */
  logLevel?: string;
  /** plan, apply, destroy, verify: the page to write (report.ts). */
  report?: string;
  /** The Go tool's trace flags: OTLP/gRPC to host:port, plaintext unless --otlp-insecure=false. */
  otlpEndpoint?: string;
  otlpInsecure?: boolean;
  /** plan, state diff|drift, diff-clusters, summary: exit 2 when they find changes (else 0). */
  detailedExitcode?: boolean;
  /** Set by commands that render: --no-cache (refresh) or --offline. */
  cache?: CacheMode;
  /** Set by plan and apply: --prune (true) or --no-prune (false); else the stack's tazuna:prune. */
  prune?: boolean;
  /** Set by apply and destroy: the run writes to the cluster. */
  writes?: boolean;
}

export interface Project {
  dir: string;
  /** The Pulumi project name the stacks live under. */
  name: string;
  /** Pulumi.yaml is there: run its program (the one `pulumi up` runs), not the built-in one. */
  ownProgram: boolean;
  /** Pulumi.yaml's backend.url, with a relative file:// path made absolute (as pulumi does). */
  backend?: string;
}

const PulumiYamlSchema = z
  .object({
    name: z.string().min(1),
    backend: z
      .object({ url: z.string().min(1) })
      .loose()
      .optional(),
  })
  .loose();

/** pulumi reads file://./x in Pulumi.yaml relative to the project folder, and file://~ as home. */
function absoluteBackend(url: string, dir: string): string {
  const m = /^file:\/\/(.*)$/.exec(url);
  if (!m) return url;
  const p = m[1] as string;
  return `file://${path.resolve(dir, expandHome(p))}`;
}

/** A Pulumi project name (letters, digits, "-", "_", "."): the built-in program's, from the folder. */
export function builtInProjectName(dir: string, given?: string): string {
  const name = (given ?? path.basename(path.resolve(dir))).replace(/[^A-Za-z0-9_.-]+/g, "-");
  return name.replace(/^[-.]+|-+$/g, "") || "tazuna";
}

export function projectOf(opts: GlobalOptions): Project {
  const dir = path.resolve(opts.project);
  const file = path.join(dir, "Pulumi.yaml");
  if (!existsSync(file))
    return {
      dir,
      name: builtInProjectName(dir, opts.projectName ?? process.env.TAZUNA_PROJECT_NAME),
      ownProgram: false,
    };
  const parsed = PulumiYamlSchema.safeParse(parse(readFileSync(file, "utf8")) ?? {});
  if (!parsed.success) throw new UsageError(`${file}: no project name\n  fix: add "name: <project>" to it`);
  if (opts.projectName && opts.projectName !== parsed.data.name)
    throw new UsageError(
      `--project-name ${opts.projectName}: ${file} names the project "${parsed.data.name}"\n  fix: drop --project-name, or change name: in Pulumi.yaml`,
    );
  const backend = parsed.data.backend?.url;
  return {
    dir,
    name: parsed.data.name,
    ownProgram: true,
    ...(backend ? { backend: absoluteBackend(backend, dir) } : {}),
  };
}

/** A cluster a command acts on: a stack, with the settings the program needs. */
export interface Cluster {
  name: string;
  settings: StackSettings;
  /** Where the settings came from: a stack file, or the kubeconfig alone (a folder without stacks/). */
  source: "stack file" | "kubeconfig";
  /** Where each var's value came from (--var, --var-file FILE, the stack file). */
  varSources: Record<string, string>;
}

/**
 * -f, --var and --var-file over a cluster's settings: one setting each, so
 * the CLI and the engine's program read the same file and vars. A -f that
 * names another file than the stack's tazuna:file is refused, naming both.
 */
export async function withFlags<S extends Partial<StackSettings>>(
  opts: GlobalOptions,
  settings: S,
  stackFile?: string,
): Promise<{ settings: S; varSources: Record<string, string> }> {
  const dir = path.resolve(opts.project);
  let file = settings.file;
  if (opts.file !== undefined) {
    const given = path.resolve(dir, opts.file);
    if (settings.file !== undefined && path.resolve(dir, settings.file) !== given)
      throw new UsageError(
        `-f ${opts.file}: ${stackFile ?? "the stack file"} sets tazuna:file: ${settings.file}, another file\n` +
          `  fix: drop -f, or set tazuna:file: ${opts.file} in ${stackFile ?? "the stack file"}`,
      );
    file = given;
  }
  const layered = await layeredVars(
    { ...(opts.var ? { var: opts.var } : {}), ...(opts.varFile ? { varFile: opts.varFile } : {}) },
    { ...(settings.vars ? { vars: settings.vars } : {}), ...(stackFile ? { file: stackFile } : {}) },
  );
  const vars = Object.keys(layered.vars).length > 0 ? { vars: layered.vars } : {};
  return { settings: { ...settings, ...(file ? { file } : {}), ...vars }, varSources: layered.sources };
}

/** What the command line changed over the stack file, for a program the engine starts (run-env.ts). */
export function flagsFor(opts: GlobalOptions, settings: StackSettings): RunFlags | undefined {
  const switches = {
    ...(opts.allowAnyContext ? { allowAnyContext: true } : {}),
    ...(opts.cache && opts.cache !== "reuse" ? { cache: opts.cache } : {}),
  };
  const none = Object.keys(switches).length === 0;
  if (opts.file === undefined && !opts.var?.length && !opts.varFile?.length)
    return none ? undefined : switches;
  return {
    ...(settings.file ? { file: settings.file } : {}),
    ...(settings.vars ? { vars: settings.vars } : {}),
    ...switches,
  };
}

/** The cluster of a folder without stack files: the current context (or --context), a stack named after it. */
export function contextCluster(opts: GlobalOptions): Cluster {
  const files = opts.kubeconfig ? [opts.kubeconfig] : kubeconfigFiles();
  if (!opts.context) refuseKubeconfig(opts, { name: "", source: "kubeconfig", settings: {} });
  const context = opts.context ?? currentContext(files);
  if (!context)
    throw new UsageError(
      `no current context in ${files.join(path.delimiter)}\n  fix: pass --context NAME, run kubectl config use-context NAME, or add stacks/Pulumi.<cluster>.yaml`,
    );
  const environment = opts.environment ? { environment: opts.environment } : {};
  return {
    name: stackNameOf(context),
    settings: { context, ...environment },
    source: "kubeconfig",
    varSources: {},
  };
}

/** The clusters named by --cluster / --all, or the one a folder implies. */
export async function selectClusters(opts: GlobalOptions): Promise<string[]> {
  const known = await listClusters(path.resolve(opts.project));
  if (opts.context && known.length > 0)
    throw new UsageError(
      "--context is for folders without stack files; here each stacks/Pulumi.<cluster>.yaml names its context\n  fix: pick the cluster with --cluster NAME",
    );
  if (opts.all) {
    if (known.length === 0)
      throw new UsageError(
        "--all: no stacks/Pulumi.<cluster>.yaml in the project\n  fix: add a stack file per cluster (tazuna init), or drop --all to use the current context",
      );
    return known;
  }
  const named = [...new Set((opts.cluster ?? "").split(",").filter(Boolean))];
  if (known.length === 0) {
    if (named.length > 0)
      throw new UsageError(
        `no stack file for cluster ${named.join(", ")} (${path.resolve(opts.project, "stacks")} is empty or missing)\n  fix: add stacks/Pulumi.<cluster>.yaml, or drop --cluster to use the current kubeconfig context (or --context NAME)`,
      );
    return [contextCluster(opts).name];
  }
  if (named.length === 0) {
    if (known.length === 1) return known;
    throw new UsageError(`which cluster? pass --cluster NAME; the stack files here are: ${known.join(", ")}`);
  }
  const unknown = named.filter((n) => !known.includes(n));
  if (unknown.length > 0)
    throw new UsageError(
      `no stack file for cluster ${unknown.join(", ")}\n  fix: use one of ${known.join(", ")} (stacks/Pulumi.<cluster>.yaml)`,
    );
  return named;
}

/** The one cluster a command acts on. */
export async function requireCluster(opts: GlobalOptions): Promise<string> {
  if (opts.cluster?.includes(",")) throw new UsageError("this command takes one cluster, not a list");
  const [cluster] = await selectClusters({ ...opts, all: false });
  return cluster as string;
}

/** A cluster whose settings come from its stack file. */
export async function stackFileCluster(opts: GlobalOptions, name: string): Promise<Cluster> {
  const projectDir = path.resolve(opts.project);
  const environment = opts.environment;
  const stored = await loadStackSettings(projectDir, name);
  const { settings, varSources } = await withFlags(opts, stored, stackFileLabel(name));
  // The stack file is what plain `pulumi up` reads too; -e may not make the CLI apply something else.
  if (environment && environment !== settings.environment)
    throw new UsageError(
      `-e ${environment}: cluster ${name}'s stack file ${settings.environment ? `names environment ${settings.environment}` : "names no environment"}\n` +
        `  fix: set tazuna:environment: ${environment} in ${stackFilePath(projectDir, name)}, or drop -e`,
    );
  return { name, settings, source: "stack file", varSources };
}

/** A cluster's settings: its stack file, or the kubeconfig's context in a folder without stack files. */
export async function clusterOf(opts: GlobalOptions, name: string): Promise<Cluster> {
  const dir = path.resolve(opts.project);
  if (existsSync(stackFilePath(dir, name))) return stackFileCluster(opts, name);
  const implied = contextCluster(opts);
  if (implied.name !== name)
    throw new UsageError(`no stack file for cluster ${name}\n  fix: add ${stackFilePath(dir, name)}`);
  return { ...implied, ...(await withFlags(opts, implied.settings)) };
}

export interface Target {
  projectDir: string;
  cluster: string;
  settings: StackSettings;
  declaration: Declaration;
}

/** The declaration with a cluster's variables (or none, for commands that need no cluster). */
export async function loadTarget(
  opts: GlobalOptions,
  cluster: Cluster | undefined,
  /** Read op and sops references of tazuna:vars (build --show-secrets); else placeholders, offline. */
  options: { resolveSecrets?: boolean } = {},
): Promise<Omit<Target, "cluster" | "settings"> & Partial<Target>> {
  const projectDir = path.resolve(opts.project);
  const settings: Partial<StackSettings> = cluster?.settings ?? (await withFlags(opts, {})).settings;
  const file = path.resolve(projectDir, settings.file ?? "tazuna.yaml");
  const environment = settings.environment ?? opts.environment;
  const declaration = await loadDeclaration(file, {
    variables: {
      cluster: cluster?.name ?? "default",
      vars: options.resolveSecrets
        ? (await resolveStackVars(settings.vars ?? {}, projectDir, cluster?.name ?? "default")).values
        : placeholderVars(settings.vars ?? {}),
      ...(cluster?.source === "stack file" ? { stackFile: stackFileLabel(cluster.name) } : {}),
    },
    ...(environment ? { environment } : {}),
  });
  if (unguardedEnvironment(declaration))
    log(
      `warning: environment "${declaration.environment}" declares no context_matches in ${declaration.file}: no name guard, any context is accepted`,
    );
  return {
    projectDir,
    declaration,
    ...(cluster ? { cluster: cluster.name, settings: cluster.settings } : {}),
  };
}

/**
 * For commands that work without a cluster (check, build, graph, tags): the
 * named or only stack file's variables when there is one, else none.
 */
export async function optionalCluster(opts: GlobalOptions): Promise<Cluster | undefined> {
  const dir = path.resolve(opts.project);
  const known = await listClusters(dir);
  const name = opts.cluster ?? (known.length === 1 ? known[0] : undefined);
  if (!name) return undefined;
  if (opts.cluster?.includes(",")) throw new UsageError("this command takes one cluster, not a list");
  return stackFileCluster(opts, name);
}
