/**
 * What `tazuna build` prints of a Secret: its keys, never its values. Build
 * output lands in terminals, CI logs and files; `--show-secrets` prints the
 * values for a pipe into kubectl, as `pulumi stack export --show-secrets`.
 */
import { ObjectMetaSchema, type K8sObject } from "../kube/objects";

export const REDACTED = "redacted-by-tazuna-build";

const each = (m: unknown, value: string): Record<string, string> | undefined =>
  m && typeof m === "object" ? Object.fromEntries(Object.keys(m).map((k) => [k, value])) : undefined;

/** kubectl's client-side apply keeps the whole object here, a Secret's data included. */
export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** A Secret with every value replaced (data stays valid base64, last-applied dropped); any other object as it is. */
export function redacted(o: K8sObject): K8sObject {
  if (o.kind !== "Secret") return o;
  const data = each(o.data, Buffer.from(REDACTED).toString("base64"));
  const stringData = each(o.stringData, REDACTED);
  const annotations = ObjectMetaSchema.safeParse(o.metadata).data?.annotations;
  const kept =
    annotations?.[LAST_APPLIED] !== undefined
      ? { metadata: { ...o.metadata, annotations: { ...annotations, [LAST_APPLIED]: REDACTED } } }
      : {};
  return { ...o, ...kept, ...(data ? { data } : {}), ...(stringData ? { stringData } : {}) };
}
