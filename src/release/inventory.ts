/**
 * What a release records in state: for each object it applied, its
 * identity and a fingerprint of what was applied, never the object itself.
 * A Secret's fingerprint is keyed (HMAC with the release's own random key,
 * kept encrypted in state): a plain hash of a short value could be guessed
 * and confirmed offline by anyone holding the state.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { z } from "zod";
import type { K8sObject } from "../kube/objects";

export const EntrySchema = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  fingerprint: z.string(),
});
export type Entry = z.infer<typeof EntrySchema>;

export const InventorySchema = z.array(EntrySchema);

/** group/kind/namespace/name: the same object whichever version it is applied at. */
export function keyOf(o: { apiVersion: string; kind: string; namespace?: string; name: string }): string {
  const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
  return `${group}/${o.kind}/${o.namespace ?? ""}/${o.name}`;
}

export function entryKey(o: K8sObject): string {
  return keyOf({
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.metadata.namespace,
    name: o.metadata.name,
  });
}

export const newKey = (): string => randomBytes(32).toString("hex");

export function fingerprint(o: K8sObject, key: string): string {
  const text = JSON.stringify(o);
  return o.kind === "Secret" && o.apiVersion === "v1"
    ? `hmac-sha256:${createHmac("sha256", Buffer.from(key, "hex")).update(text).digest("hex").slice(0, 32)}`
    : `sha256:${createHash("sha256").update(text).digest("hex").slice(0, 32)}`;
}

export function entryOf(o: K8sObject, key: string): Entry {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    name: o.metadata.name,
    fingerprint: fingerprint(o, key),
  };
}
