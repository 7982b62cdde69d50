/**
 * The one kubectl client for reading a live cluster (status, drift,
 * leftovers, diff-clusters): one kubeconfig and context, a timeout on every
 * call, and kubectl's own message when it fails. The readiness gates build
 * the same flags inside their dynamic provider, whose code is stored in
 * state and so cannot import this.
 */
import { execa } from "../exec";

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
  if (res.exitCode !== 0)
    throw new Error(
      `kubectl ${args.join(" ")} (context ${cluster.context}) failed: ${res.timedOut ? `no answer in ${TIMEOUT_MS / 1000}s` : res.stderr.trim()}`,
    );
  return res.stdout;
}
