/**
 * Server-side apply of an add-on's objects from this process, in the order a
 * careful operator uses: Namespaces and CRDs first, the CRDs waited for
 * Established, then everything else with bounded concurrency (as
 * fluxcd/pkg/ssa stages them). One field manager, conflicts forced: the
 * declaration wins over hand edits, as `kubectl apply --server-side
 * --force-conflicts` does.
 */
import {
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";
import type { K8sObject } from "../render/objects";

export const FIELD_MANAGER = "tazuna";
const CONCURRENCY = 8;

/** Runs `work` over the items, at most `limit` at once, in their order. */
export async function bounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const isFirst = (o: K8sObject) => o.kind === "Namespace" || o.kind === "CustomResourceDefinition";

/** The HTTP status of a client-node error, if it has one. */
export const statusOf = (err: unknown): number | undefined =>
  (err as { code?: number }).code ?? (err as { statusCode?: number }).statusCode;

export class ApplyError extends Error {
  constructor(
    readonly object: string,
    message: string,
  ) {
    super(`${object}: ${message}`);
  }
}

const nameOf = (o: K8sObject) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

function bodyMessage(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  if (typeof body === "string") {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body;
    }
  }
  return (err as Error).message;
}

export interface ApplyOptions {
  /** Create when missing, never update (the hand-off to Argo CD/Flux). */
  createOnly?: boolean;
  /** Server-side dry run: what the API server would make of it, nothing written. */
  dryRun?: boolean;
  deadline: number;
}

async function applyOne(
  api: KubernetesObjectApi,
  o: K8sObject,
  opts: ApplyOptions,
): Promise<KubernetesObject> {
  const dryRun = opts.dryRun ? "All" : undefined;
  // A CRD established a moment ago may not be in discovery yet: retry "not found" briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      if (opts.createOnly) {
        try {
          return await api.create(o as KubernetesObject, undefined, dryRun, FIELD_MANAGER);
        } catch (err) {
          if (statusOf(err) === 409) return o as KubernetesObject;
          throw err;
        }
      }
      return await api.patch(
        o as KubernetesObject,
        undefined,
        dryRun,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    } catch (err) {
      const retry = statusOf(err) === 404 || /unable to find api/i.test((err as Error).message);
      if (!retry || attempt >= 20 || Date.now() > opts.deadline)
        throw new ApplyError(nameOf(o), bodyMessage(err));
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function waitEstablished(api: KubernetesObjectApi, crd: K8sObject, deadline: number): Promise<void> {
  for (;;) {
    const live = (await api.read({
      apiVersion: crd.apiVersion,
      kind: crd.kind,
      metadata: { name: crd.metadata.name },
    })) as { status?: { conditions?: { type: string; status: string }[] } };
    if (live.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) return;
    if (Date.now() > deadline) throw new ApplyError(nameOf(crd), "not Established in time");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Applies the objects in stages; returns what the API server answered, in the objects' order. */
export async function applyAll(
  kc: KubeConfig,
  objects: readonly K8sObject[],
  opts: ApplyOptions,
): Promise<KubernetesObject[]> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const out = new Map<K8sObject, KubernetesObject>();
  const stage = async (list: readonly K8sObject[]) =>
    bounded(list, CONCURRENCY, async (o) => void out.set(o, await applyOne(api, o, opts)));
  await stage(objects.filter(isFirst));
  if (!opts.dryRun)
    await bounded(
      objects.filter((o) => o.kind === "CustomResourceDefinition"),
      CONCURRENCY,
      (crd) => waitEstablished(api, crd, opts.deadline),
    );
  await stage(objects.filter((o) => !isFirst(o)));
  return objects.map((o) => out.get(o) as KubernetesObject);
}

export interface Ref {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

const header = (r: Ref) => ({
  apiVersion: r.apiVersion,
  kind: r.kind,
  metadata: { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) },
});

/**
 * Deletes the objects, in the order given (callers pass reverse apply order,
 * CRDs last), and waits until each is gone; one already gone is fine.
 */
export async function deleteAll(kc: KubeConfig, refs: readonly Ref[], deadline: number): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const gone = async (r: Ref) => {
    for (;;) {
      try {
        await api.read(header(r));
      } catch (err) {
        if (statusOf(err) === 404) return;
        throw new ApplyError(`${r.kind} ${r.name}`, bodyMessage(err));
      }
      if (Date.now() > deadline) throw new ApplyError(`${r.kind} ${r.name}`, "still there after its timeout");
      await new Promise((res) => setTimeout(res, 200));
    }
  };
  const del = async (r: Ref) => {
    try {
      await api.delete(header(r), undefined, undefined, undefined, undefined, "Background");
    } catch (err) {
      if (statusOf(err) !== 404) throw new ApplyError(`${r.kind} ${r.name}`, bodyMessage(err));
    }
  };
  const crds = refs.filter((r) => r.kind === "CustomResourceDefinition");
  const namespaces = refs.filter((r) => r.kind === "Namespace");
  const rest = refs.filter((r) => r.kind !== "CustomResourceDefinition" && r.kind !== "Namespace");
  // Everything inside first, then the namespaces that held it, CRDs last (their instances are gone by then).
  for (const group of [rest, namespaces, crds]) {
    await bounded(group, CONCURRENCY, del);
    await bounded(group, CONCURRENCY, gone);
  }
}
