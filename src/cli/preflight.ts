/**
 * What the CLI checks before it starts the engine for a cluster: the
 * kubeconfig can be read and names the context, and the context passes
 * context_matches. The program inside the engine checks the guard again
 * (for `pulumi up`), but there a refusal surfaces as the engine's error,
 * after the stack was created; here it is one line, with the fix for the
 * way this folder picks its cluster, and nothing is created.
 */
import * as path from "node:path";
import { kubeconfigFiles, kubeconfigPath, kubeconfigProblem } from "../kube/kubeconfig";
import type { Declaration } from "../declaration/model";
import { checkContext, checkEnvironmentGuard } from "../guard/context";
import { UsageError } from "./errors";
import { stackFileLabel } from "../config/stack-file";
import type { StackSettings } from "../config/settings";
import type { Cluster, GlobalOptions } from "./project";

type ClusterLike = Pick<Cluster, "name" | "source"> & { settings: Partial<StackSettings> };

/** Which files kubectl reads for this cluster, and which setting chose them. */
function kubeconfigSource(
  opts: Pick<GlobalOptions, "kubeconfig" | "project">,
  cluster: ClusterLike,
  env = process.env,
): { files: string[]; setBy: string; fix: string } {
  const stackFile = cluster.source === "stack file" ? stackFileLabel(cluster.name) : undefined;
  if (cluster.settings.kubeconfig) {
    const file = kubeconfigPath(cluster.settings, path.resolve(opts.project));
    return {
      files: [file],
      setBy: `tazuna:kubeconfig in ${stackFile ?? "the stack file"}`,
      fix: `fix tazuna:kubeconfig in ${stackFile ?? "the stack file"}`,
    };
  }
  const orStack = stackFile ? `, or set tazuna:kubeconfig in ${stackFile}` : "";
  if (opts.kubeconfig)
    return {
      files: kubeconfigFiles(env),
      setBy: "--kubeconfig",
      fix: `point --kubeconfig at your kubeconfig${orStack}`,
    };
  if (env.KUBECONFIG)
    return {
      files: kubeconfigFiles(env),
      setBy: "$KUBECONFIG",
      fix: `point KUBECONFIG at your kubeconfig${orStack}`,
    };
  return {
    files: kubeconfigFiles(env),
    setBy: "the default: no --kubeconfig, KUBECONFIG unset",
    fix: `pass --kubeconfig FILE or export KUBECONFIG=FILE${orStack}`,
  };
}

/** Throws (exit 1) when the kubeconfig is missing, unreadable, or (given a context) does not name it. */
export function refuseKubeconfig(opts: GlobalOptions, cluster: ClusterLike): void {
  const { files, setBy, fix } = kubeconfigSource(opts, cluster);
  const context = cluster.settings.context;
  const stackFile = stackFileLabel(cluster.name);
  const problem = kubeconfigProblem(files, context);
  const shown = files.join(path.delimiter);
  if (problem?.kind === "missing")
    throw new UsageError(`no kubeconfig: ${shown} does not exist (set by ${setBy})\n  fix: ${fix}`);
  if (problem?.kind === "unreadable")
    throw new UsageError(
      `cannot read kubeconfig ${problem.file} (${problem.reason}; set by ${setBy})\n  fix: make it readable by this user and valid, or ${fix}`,
    );
  if (problem?.kind === "no such context") {
    const known = problem.known.length > 0 ? problem.known.join(", ") : "none";
    throw new UsageError(
      `context "${context}" is not in kubeconfig ${shown} (its contexts: ${known})\n  fix: ` +
        (cluster.source === "stack file"
          ? `set tazuna:context in ${stackFile} to one of them, or ${fix}`
          : `pass --context NAME with one of them, or ${fix}`),
    );
  }
}

/** Throws a GuardError (exit 3) or a UsageError (exit 1), in that order, with the fix for this folder's mode. */
export function preflight(opts: GlobalOptions, cluster: Cluster, declaration: Declaration): void {
  // The guard first: a context it refuses is refused (exit 3) whatever the kubeconfig holds.
  if (opts.writes) checkEnvironmentGuard(declaration, opts.allowAnyContext === true);
  const context = cluster.settings.context;
  const stackFile = stackFileLabel(cluster.name);
  checkContext(
    context,
    declaration.contextMatches,
    declaration.matchMode,
    `${declaration.guardField} of ${declaration.file}`,
    cluster.source === "stack file"
      ? `pick the cluster you meant with --cluster NAME, or fix tazuna:context in ${stackFile}`
      : "switch to the cluster you meant with kubectl config use-context NAME, or pass --context NAME",
  );
  refuseKubeconfig(opts, cluster);
}
