/** What every command shares: where the project is, which cluster, which declaration. */
import * as path from "node:path";
import { loadDeclaration } from "../config/load";
import type { Declaration } from "../config/model";
import type { StackSettings } from "../config/stack";
import { listClusters, loadStackSettings } from "../config/stack-file";
import { UsageError } from "./errors";

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
  output: "text" | "json";
}

export interface Target {
  projectDir: string;
  cluster: string;
  settings: StackSettings;
  declaration: Declaration;
}

/** The cluster to use: --cluster, else the only stack file there is. */
export async function resolveCluster(opts: GlobalOptions): Promise<string | undefined> {
  if (opts.cluster?.includes(",")) throw new UsageError("this command takes one cluster, not a list");
  if (opts.cluster) return opts.cluster;
  const all = await listClusters(path.resolve(opts.project));
  return all.length === 1 ? all[0] : undefined;
}

/** The cluster a command that needs one acts on; says how to name it when unclear. */
export async function requireCluster(opts: GlobalOptions): Promise<string> {
  const cluster = await resolveCluster(opts);
  if (!cluster) throw new UsageError("which cluster? pass --cluster NAME (a stacks/Pulumi.NAME.yaml)");
  return cluster;
}

/** Loads the stack file (when there is a cluster) and the declaration with its variables. */
export async function loadTarget(
  opts: GlobalOptions,
  cluster: string | undefined,
): Promise<Omit<Target, "cluster" | "settings"> & Partial<Target>> {
  const projectDir = path.resolve(opts.project);
  const settings = cluster ? await loadStackSettings(projectDir, cluster) : undefined;
  const file = path.resolve(projectDir, opts.file ?? settings?.file ?? "tazuna.yaml");
  const declaration = await loadDeclaration(file, {
    variables: { cluster: cluster ?? "default", vars: settings?.vars ?? {} },
  });
  return { projectDir, declaration, ...(cluster ? { cluster } : {}), ...(settings ? { settings } : {}) };
}
