/**
 * The guard. Before any resource is registered, the stack's kubeconfig
 * context must match `context_matches`; and the cluster behind it must be the
 * one the stack recorded on its first apply (see binding.ts).
 */
import { X509Certificate, createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { GuardError } from "../guard/error";
import { mergedKubeconfig } from "../config/kubeconfig";

export { GuardError };

/** Throws unless `context` matches the patterns (any of them for "or", all for "and"). */
export function checkContext(
  context: string,
  patterns: readonly string[],
  mode: "or" | "and",
  file: string,
): void {
  if (patterns.length === 0) return;
  const hits = patterns.map((p) => new RegExp(p).test(context));
  const ok = mode === "and" ? hits.every(Boolean) : hits.some(Boolean);
  if (ok) return;
  throw new GuardError(
    `kubeconfig context "${context}" does not match spec.context_matches of ${file} ` +
      `(${mode === "and" ? "all" : "any"} of: ${patterns.map((p) => `/${p}/`).join(", ")}); nothing was applied`,
    "select the stack of the cluster you meant (pulumi stack select / --cluster), or fix tazuna:context in its stack file",
  );
}

export interface ClusterIdentity {
  /** UID of the kube-system namespace: fixed for a cluster's life, new for a rebuilt one. */
  uid: string;
  /** SHA-256 of the API server's CA certificate, or "none". */
  caFingerprint: string;
  server: string;
}

/** The kubeconfig at a path, or ("") the $KUBECONFIG list as kubectl merges it. */
export async function loadKubeconfig(kubeconfig: string, context: string): Promise<KubeConfig> {
  const kc = new KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else kc.loadFromString(await mergedKubeconfig());
  if (!kc.getContextObject(context)) {
    throw new GuardError(
      `kubeconfig ${kubeconfig || `KUBECONFIG=${process.env.KUBECONFIG ?? ""}`} has no context "${context}" (it has: ${
        kc
          .getContexts()
          .map((c) => c.name)
          .join(", ") || "none"
      })`,
      "fix tazuna:context in the stack file, or tazuna:kubeconfig / KUBECONFIG",
    );
  }
  kc.setCurrentContext(context);
  return kc;
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

/** Reads the identity of the cluster behind `context` (one GET of a namespace). */
export async function readIdentity(kubeconfig: string, context: string): Promise<ClusterIdentity> {
  const kc = await loadKubeconfig(kubeconfig, context);
  const server = kc.getCurrentCluster()?.server ?? "";
  try {
    const ns = await kc.makeApiClient(CoreV1Api).readNamespace({ name: "kube-system" });
    return { uid: ns.metadata?.uid ?? "", caFingerprint: caFingerprint(kc), server };
  } catch (err) {
    throw new GuardError(
      `cannot read the identity of the cluster behind context "${context}" (${server}): ${(err as Error).message}`,
      "check that the cluster is reachable and the credentials can read namespace kube-system",
    );
  }
}
