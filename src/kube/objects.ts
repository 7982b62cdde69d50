/** Kubernetes objects as rendered text becomes them. */
import { parseAllDocuments } from "yaml";
import { z } from "zod";

/** The metadata fields Tazuna reads, of rendered and of live objects. */
export const ObjectMetaSchema = z
  .object({
    name: z.string(),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    ownerReferences: z.array(z.unknown()).optional(),
  })
  .loose();

export const K8sObjectSchema = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z.object({ name: z.string().min(1), namespace: z.string().optional() }).loose(),
  })
  .loose();

export type K8sObject = z.infer<typeof K8sObjectSchema>;

/** Parses multi-document YAML; List objects are flattened, empty documents skipped. */
export function parseObjects(text: string, source: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if ("errors" in doc && doc.errors.length > 0) {
      throw new Error(`${source}: not valid YAML: ${doc.errors[0]?.message ?? ""}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const items = isList(value) ? value.items : [value];
    for (const item of items) {
      const res = K8sObjectSchema.safeParse(item);
      if (!res.success) {
        throw new Error(
          `${source}: a document is not a Kubernetes object (${res.error.issues[0]?.message ?? ""} at ${res.error.issues[0]?.path.join(".") ?? ""})`,
        );
      }
      out.push(res.data);
    }
  }
  return out;
}

function isList(v: unknown): v is { items: unknown[] } {
  return (
    typeof v === "object" &&
    v !== null &&
    /List$/.test(String((v as { kind?: unknown }).kind)) &&
    Array.isArray((v as { items?: unknown }).items)
  );
}

/** Kinds that are never namespaced, besides CRDs with scope Cluster in the same render. */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "StorageClass",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleBinding",
  "PriorityClass",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "APIService",
  "IngressClass",
  "RuntimeClass",
  "CSIDriver",
  "CSINode",
  "VolumeAttachment",
  "CertificateSigningRequest",
  "FlowSchema",
  "PriorityLevelConfiguration",
  "ComponentStatus",
]);

/** An apiVersion's group ("" for the core group) and version. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function isClusterScoped(obj: K8sObject, all: readonly K8sObject[]): boolean {
  if (CLUSTER_SCOPED.has(obj.kind)) return true;
  const { group } = splitApiVersion(obj.apiVersion);
  return all.some((o) => {
    if (o.kind !== "CustomResourceDefinition") return false;
    const spec = (o as { spec?: { group?: string; scope?: string; names?: { kind?: string } } }).spec;
    return spec?.group === group && spec?.names?.kind === obj.kind && spec?.scope === "Cluster";
  });
}

/** Puts namespaced objects without a namespace into `ns`. */
export function withDefaultNamespace(objs: K8sObject[], ns: string | undefined): K8sObject[] {
  if (!ns) return objs;
  return objs.map((o) =>
    o.metadata.namespace || isClusterScoped(o, objs)
      ? o
      : { ...o, metadata: { ...o.metadata, namespace: ns } },
  );
}

/** Annotations that tools write, which say nothing about what was declared. */
const TOOL_ANNOTATION = /^(pulumi\.com\/|kubectl\.kubernetes\.io\/|deployment\.kubernetes\.io\/)/;

/**
 * What makes two versions of an object "the same object as declared", for
 * `state diff` (declaration against state) and `diff-clusters` (cluster
 * against cluster) alike: everything but status, server-set metadata, tool
 * annotations and a Service's allocated cluster IPs; labels and the other
 * annotations count.
 */
export function declaredContent(o: Record<string, unknown>): Record<string, unknown> {
  const { metadata, status: _s, ...rest } = o;
  const m = ObjectMetaSchema.partial().parse(metadata ?? {});
  const annotations = Object.fromEntries(
    Object.entries(m.annotations ?? {}).filter(([k]) => !TOOL_ANNOTATION.test(k)),
  );
  const spec = rest.spec as Record<string, unknown> | undefined;
  if (spec && o.kind === "Service") {
    const { clusterIP: _c, clusterIPs: _cs, ...kept } = spec;
    rest.spec = kept;
  }
  return { ...rest, labels: m.labels ?? {}, annotations };
}

/**
 * A live object as a declaration would write it (tazuna state fold): no
 * status, no server-set metadata, no tool annotations, no allocated cluster
 * IPs. What is left is what someone chose.
 */
export function asDeclared(live: K8sObject): K8sObject {
  const { status: _s, ...rest } = live as K8sObject & { status?: unknown };
  const m = live.metadata;
  const annotations = Object.fromEntries(
    Object.entries(m.annotations ?? {}).filter(([k]) => !TOOL_ANNOTATION.test(k)),
  );
  const metadata = {
    name: m.name,
    ...(m.namespace ? { namespace: m.namespace } : {}),
    ...(m.labels && Object.keys(m.labels).length ? { labels: m.labels } : {}),
    ...(Object.keys(annotations).length ? { annotations } : {}),
  };
  const spec = (rest as { spec?: Record<string, unknown> }).spec;
  if (spec && live.kind === "Service") {
    const { clusterIP: _c, clusterIPs: _cs, ...kept } = spec;
    return { ...rest, metadata, spec: kept } as K8sObject;
  }
  return { ...rest, metadata } as K8sObject;
}

/** kubectl's resource argument for a kind in an apiVersion: Deployment.v1.apps/web. */
export function kubectlTarget(kind: string, name: string, apiVersion?: string): string {
  if (!apiVersion) return `${kind}/${name}`;
  const { group, version } = splitApiVersion(apiVersion);
  return group ? `${kind}.${version}.${group}/${name}` : `${kind}/${name}`;
}
