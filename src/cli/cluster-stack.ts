/**
 * Opens the Pulumi stack of one cluster, with the declaration and settings
 * loaded. The engine side (Automation API, the program, the guard's client)
 * is required only here, when a command needs a stack, so commands that need
 * none start without the Pulumi and Kubernetes SDKs (bench/cli.ts).
 */
import { noteTarget } from "./report";
import { inSpan } from "../trace/tracing";
import { mkdir } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Stack } from "@pulumi/pulumi/automation";
import { kubeconfigPath } from "../kube/kubeconfig";
import { secrets } from "../state/passphrase";
import { missingFix, whichOf } from "../process/tools";
import { UsageError } from "./errors";
import { ONLY_ENV, removedEngineAsked, runEnv } from "../program/run-env";
import { preflight } from "./preflight";
import { upgradeNeeded, type Upgrade } from "../engine/upgrade";
import { PRUNE_ENV, PRUNE_SETTING_ENV, ruleOf, type PruneRule } from "../release/prune";
import {
  clusterOf,
  flagsFor,
  loadTarget,
  projectOf,
  type GlobalOptions,
  type Project,
  type Target,
} from "./project";

/** -f and --var reach a project's own program, which reads only stack config otherwise. */
function runEnvOf(opts: GlobalOptions, settings: Target["settings"]): Record<string, string> {
  const flags = flagsFor(opts, settings);
  return flags ? runEnv(flags) : {};
}

/** --prune/--no-prune and the stack's tazuna:prune, for the releases' provider process. */
const pruneEnvOf = (opts: GlobalOptions, settings: Target["settings"]): Record<string, string> => ({
  ...(opts.prune !== undefined ? { [PRUNE_ENV]: String(opts.prune) } : {}),
  ...(settings.prune !== undefined ? { [PRUNE_SETTING_ENV]: String(settings.prune) } : {}),
});

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on use, see above */
const engineSide = () => ({
  program: require("../program/program") as typeof import("../program/program"),
  workspace: require("../engine/workspace") as typeof import("../engine/workspace"),
  binding: require("../guard/recorded") as typeof import("../guard/recorded"),
});
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The state backend: --backend, $TAZUNA_BACKEND, Pulumi.yaml's backend.url
 * (so plain pulumi in the project finds the same state), else .tazuna/state
 * in the project. A local folder is created, as pulumi will not.
 */
export function backendOf(opts: GlobalOptions, project = projectOf(opts)): { url: string; source: string } {
  if (opts.backend) return { url: opts.backend, source: "--backend" };
  if (process.env.TAZUNA_BACKEND) return { url: process.env.TAZUNA_BACKEND, source: "$TAZUNA_BACKEND" };
  if (project.backend) return { url: project.backend, source: "Pulumi.yaml" };
  return { url: `file://${path.resolve(opts.project, ".tazuna", "state")}`, source: "default" };
}

export async function backendUrl(opts: GlobalOptions, project = projectOf(opts)): Promise<string> {
  const { url } = backendOf(opts, project);
  if (url.startsWith("file://")) await mkdir(fileURLToPath(url), { recursive: true });
  return url;
}

export interface ClusterStack {
  target: Target;
  project: Project;
  stack: Stack;
  kubeconfig: string;
  /** The state backend URL the stack lives in. */
  backend: string;
  /** The add-ons the program registers, when not all (--tags). */
  only?: readonly string[];
  /** Refuses (GuardError) when the context now reaches another cluster than the stack recorded. */
  checkIdentity: () => Promise<void>;
  /**
   * Before a run that registers the program: the state was written by the
   * engine this run uses, or it is a per-object stack the release engine
   * takes over in place (returned: what the upgrade will drop).
   */
  checkEngine: () => Promise<Upgrade | undefined>;
  /** Where each var's value came from (--var, --var-file FILE, the stack file). */
  varSources: Record<string, string>;
  /** Whether objects that left the declaration are deleted, and which flag or setting says so. */
  prune: PruneRule;
}

export async function openClusterStack(
  opts: GlobalOptions,
  name: string,
  /** For --tags: the add-ons to register, chosen from the loaded declaration. */
  select?: (target: Target) => readonly string[] | undefined,
  /** Reads state only (state list, state diff): no kubeconfig, guard or cluster needed. */
  how: { offline?: boolean } = {},
): Promise<ClusterStack> {
  const cluster = await clusterOf(opts, name);
  // Every command with a stack reads or waits on the cluster through kubectl; say so before the engine starts.
  if (!(await whichOf("kubectl")))
    throw new UsageError(`kubectl was not found on PATH\n  fix: ${missingFix("kubectl")}`);
  // The declaration and the guard's checks by name, before any engine starts.
  const target = await inSpan("load", { "tazuna.cluster": cluster.name }, async (span) => {
    const t = { ...(await loadTarget(opts, cluster)), cluster: cluster.name, settings: cluster.settings };
    span.set({ "tazuna.file": t.declaration.file, "tazuna.addons": t.declaration.addons.length });
    noteTarget(t);
    if (!how.offline) preflight(opts, cluster, t.declaration);
    return t;
  });
  const project = projectOf(opts);
  const only = select?.(target);
  const backend = await backendUrl(opts, project);
  const encryption = await secrets();
  const { program, workspace, binding } = engineSide();
  const kubeconfig = kubeconfigPath(cluster.settings, target.projectDir);
  // The cluster must answer before a stack is opened (or created): an unreachable one is one
  // error here, not the program's failure inside the engine after an empty stack was made.
  const live = how.offline ? undefined : await binding.liveIdentity(kubeconfig, cluster.settings.context);
  const common = { stackName: cluster.name, backendUrl: backend, ...encryption };
  const stack = project.ownProgram
    ? await workspace.openProjectStack({
        ...common,
        workDir: project.dir,
        env: {
          ...(only ? { [ONLY_ENV]: only.join(",") } : {}),
          ...runEnvOf(opts, cluster.settings),
          ...pruneEnvOf(opts, cluster.settings),
        },
      })
    : await workspace.openStack({
        ...common,
        projectName: project.name,
        env: pruneEnvOf(opts, cluster.settings),
        program: () =>
          program.tazunaProgram({
            projectDir: target.projectDir,
            stackName: cluster.name,
            settings: cluster.settings,
            ...(only ? { only } : {}),
            ...(opts.allowAnyContext ? { allowAnyContext: true } : {}),
          }),
      });
  const checkIdentity = () =>
    binding.checkRecordedIdentity(
      stack,
      kubeconfig,
      cluster.settings.context,
      cluster.settings.rebindTo ?? "",
      live,
    );
  return {
    target,
    project,
    stack,
    kubeconfig,
    backend,
    checkIdentity,
    checkEngine: async () => {
      refuseRemovedEngine();
      return upgradeNeeded(stack);
    },
    varSources: cluster.varSources,
    prune: ruleOf(opts.prune, cluster.settings.prune),
    ...(only ? { only } : {}),
  };
}

/**
 * TAZUNA_ENGINE=objects chose the per-object engine, which is gone; a CI
 * job that still sets it learns so instead of silently getting releases.
 */
function refuseRemovedEngine(): void {
  if (removedEngineAsked())
    throw new UsageError(
      "TAZUNA_ENGINE=objects asks for the per-object engine, which was removed: every add-on is one release now\n" +
        "  fix: unset TAZUNA_ENGINE; a stack the per-object engine wrote is upgraded in place by the next apply (nothing is deleted)",
    );
}
