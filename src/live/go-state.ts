/**
 * The Go tool's state, as it keeps it in a cluster: one ConfigMap per
 * manifest, `tazuna-state-<manifest>` in namespace `tazuna`, each key an
 * object (`manifest/group/version/kind/namespace/name`, or without the
 * namespace for cluster-scoped objects, every `/` written as `__`) and each
 * value `{"contentHash": ...}`, plus `_metadata`.
 */
import { z } from "zod";
import { kubectl } from "../kube/kubectl";

export const GO_STATE_NAMESPACE = "tazuna";
const PREFIX = "tazuna-state-";

export interface GoStateEntry {
  manifest: string;
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
}

/** One key of a state ConfigMap, or undefined when it is not an object's. */
export function parseGoStateKey(key: string): GoStateEntry | undefined {
  const parts = key.split("__");
  if (parts.length === 6) {
    const [manifest = "", group = "", version = "", kind = "", namespace = "", name = ""] = parts;
    return { manifest, group, version, kind, namespace, name };
  }
  if (parts.length === 5) {
    const [manifest = "", group = "", version = "", kind = "", name = ""] = parts;
    return { manifest, group, version, kind, namespace: "", name };
  }
  return undefined;
}

const ConfigMapListSchema = z.object({
  items: z.array(
    z.object({ metadata: z.object({ name: z.string() }), data: z.record(z.string(), z.string()).optional() }),
  ),
});

/** Every object the Go tool recorded in this cluster, by manifest; empty when it never ran here. */
export async function readGoState(kubeconfig: string, context: string): Promise<GoStateEntry[]> {
  const out = await kubectl({ kubeconfig, context }, [
    "get",
    "configmaps",
    "-n",
    GO_STATE_NAMESPACE,
    "-o",
    "json",
    "--ignore-not-found",
  ]);
  if (!out.trim()) return [];
  const list = ConfigMapListSchema.parse(JSON.parse(out));
  return list.items
    .filter((cm) => cm.metadata.name.startsWith(PREFIX))
    .flatMap((cm) =>
      Object.keys(cm.data ?? {})
        .filter((k) => k !== "_metadata")
        .map(parseGoStateKey)
        .filter((e): e is GoStateEntry => e !== undefined),
    );
}
