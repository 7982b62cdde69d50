/**
 * Which cluster a context reaches: the UID of its kube-system namespace and
 * the fingerprint of its API server's CA, read before anything is applied.
 */
import { X509Certificate, createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { loadKubeconfig } from "../kube/kubeconfig";
import { GuardError } from "../errors/guard";

export interface ClusterIdentity {
  /** UID of the kube-system namespace: fixed for a cluster's life, new for a rebuilt one. */
  uid: string;
  /** SHA-256 of the API server's CA certificate, or "none". */
  caFingerprint: string;
  server: string;
}

function caFingerprint(kc: KubeConfig): string {
  const cluster = kc.getCurrentCluster();
  const pem = cluster?.caData
    ? Buffer.from(cluster.caData, "base64")
    : cluster?.caFile
      ? readFileSync(cluster.caFile)
      : undefined;
  if (!pem) return "none";
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return createHash("sha256").update(pem).digest("hex");
  }
}

/** One GET should never take this long: an API server that hangs must not hang the run. */
const IDENTITY_TIMEOUT_MS = 30_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000}s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Reads the identity of the cluster behind `context` (one GET of a namespace). */
export async function readIdentity(kubeconfig: string, context: string): Promise<ClusterIdentity> {
  const kc = await loadKubeconfig(kubeconfig, context);
  const server = kc.getCurrentCluster()?.server ?? "";
  try {
    const ns = await withTimeout(
      kc.makeApiClient(CoreV1Api).readNamespace({ name: "kube-system" }),
      IDENTITY_TIMEOUT_MS,
    );
    return { uid: ns.metadata?.uid ?? "", caFingerprint: caFingerprint(kc), server };
  } catch (err) {
    throw new GuardError(
      `cannot read the identity of the cluster behind context "${context}" (${server}): ${(err as Error).message}`,
      "check that the cluster is reachable and the credentials can read namespace kube-system",
    );
  }
}
