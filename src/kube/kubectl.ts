/**
 * The one kubectl client for reading a live cluster (status, drift,
 * leftovers, diff-clusters): one kubeconfig and context, a timeout on every
 * call, and kubectl's own message when it fails. The readiness gates build
 * the same flags inside their dynamic provider, whose code is stored in
 * state and so cannot import this.
 */
import { execa } from "../process/exec";

/** Where a cluster is: a kubeconfig path ("" = the $KUBECONFIG list, merged by kubectl) and a context. */
export interface ClusterAccess {
  kubeconfig: string;
  context: string;
}

export function kubectlFlags(kubeconfig: string, context: string): string[] {
  return [...(kubeconfig ? ["--kubeconfig", kubeconfig] : []), "--context", context];
}

/** A read should never take this long; a hung API server must not hang tazuna. */
const TIMEOUT_MS = 120_000;

/** Runs kubectl against the cluster; returns stdout, or throws with kubectl's stderr. */
export async function kubectl(cluster: ClusterAccess, args: string[], input?: string): Promise<string> {
  const res = await execa("kubectl", [...kubectlFlags(cluster.kubeconfig, cluster.context), ...args], {
    reject: false,
    timeout: TIMEOUT_MS,
    ...(input === undefined ? {} : { input }),
  });
  if (res.exitCode !== 0) throw kubectlFailure(args, cluster, res);
  return res.stdout;
}

/** Why a kubectl call failed, with the fix when kubectl itself is missing. */
function kubectlFailure(
  args: string[],
  cluster: ClusterAccess,
  res: { timedOut: boolean; stderr: string; cause?: unknown },
): Error {
  if ((res.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT")
    return new Error(
      "kubectl was not found on PATH\n  fix: install kubectl (kubernetes.io/docs/tasks/tools) and put it on PATH; tazuna doctor checks every program Tazuna needs",
    );
  return new Error(
    `kubectl ${args.join(" ")} (context ${cluster.context}) failed: ${res.timedOut ? `no answer in ${TIMEOUT_MS / 1000}s` : res.stderr.trim()}`,
  );
}

/**
 * The resource types that can be listed. An aggregated API that is down
 * (metrics-server not ready) makes `kubectl api-resources` exit 1 while it
 * still prints every other type: those are used, and the missing groups
 * named, so one broken APIService does not stop work on unrelated objects.
 */
export async function listableTypes(
  cluster: ClusterAccess,
  scope: { namespaced: boolean } | "all",
): Promise<{ types: string[]; unavailable: string[] }> {
  const args = ["api-resources", "--verbs=list", "-o", "name"];
  if (scope !== "all") args.push(`--namespaced=${String(scope.namespaced)}`);
  const res = await execa("kubectl", [...kubectlFlags(cluster.kubeconfig, cluster.context), ...args], {
    reject: false,
    timeout: TIMEOUT_MS,
  });
  const unavailable = [...res.stderr.matchAll(/([\w.-]+\/v[\w]+): the server is currently unable/g)].map(
    (m) => m[1] ?? "",
  );
  if (res.exitCode !== 0 && (unavailable.length === 0 || !res.stdout.trim()))
    throw kubectlFailure(args, cluster, res);
  return { types: res.stdout.split("\n").filter(Boolean), unavailable };
}
