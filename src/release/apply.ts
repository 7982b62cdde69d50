/**
 * Server-side apply of an add-on's objects from this process, in the order a
 * careful operator uses: Namespaces and CRDs first, the CRDs waited for
 * Established, then everything else with bounded concurrency (as
 * fluxcd/pkg/ssa stages them). One field manager, conflicts forced: the
 * declaration wins over hand edits, as `kubectl apply --server-side
 * --force-conflicts` does.
 */
import type { K8sObject } from "../kube/objects";
import { ApiError, type Client, type Ref } from "../kube/client";
import { TazunaError } from "../errors/tazuna-error";

export type { Ref };

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

const statusOf = (err: unknown): number | undefined => (err instanceof ApiError ? err.status : undefined);

export class ApplyError extends TazunaError {
  constructor(
    readonly object: string,
    message: string,
  ) {
    super(`${object}: ${message}`);
  }
}

const nameOf = (o: K8sObject) =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

const bodyMessage = (err: unknown): string => (err as Error).message;
/** An object's identity, as the client addresses it. */
export const refOf = (o: K8sObject): Ref => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
});

export interface ApplyOptions {
  /** Create when missing, never update (the hand-off to Argo CD/Flux). */
  createOnly?: boolean;
  /** Server-side dry run: what the API server would make of it, nothing written. */
  dryRun?: boolean;
  deadline: number;
  /** The field manager, when not Tazuna's own (helm hooks have theirs). */
  manager?: string;
}

/** Applies one object (server-side, conflicts forced); returns what the API server answered. */
export async function applyObject(api: Client, o: K8sObject, opts: ApplyOptions): Promise<unknown> {
  const query = `fieldManager=${opts.manager ?? FIELD_MANAGER}${opts.dryRun ? "&dryRun=All" : ""}`;
  // A CRD established a moment ago may not be in discovery yet: retry "not found" briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      if (opts.createOnly) {
        try {
          return await api.request("POST", `${await api.path(refOf(o), true)}?${query}`, o);
        } catch (err) {
          if (statusOf(err) === 409) return o;
          throw err;
        }
      }
      const path = `${await api.path(refOf(o))}?${query}&force=true`;
      return await api.request("PATCH", path, o, "application/apply-patch+yaml");
    } catch (err) {
      if (statusOf(err) !== 404 || attempt >= 20 || Date.now() > opts.deadline)
        throw new ApplyError(nameOf(o), bodyMessage(err));
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** What the API server would make of a forced apply of the object, nothing written. */
export const dryRunApply = (api: Client, o: K8sObject): Promise<unknown> =>
  applyObject(api, o, { dryRun: true, deadline: Date.now() + 30_000 });

async function waitEstablished(api: Client, crd: K8sObject, deadline: number): Promise<void> {
  for (;;) {
    const live = (await api.request("GET", await api.path(refOf(crd)))) as {
      status?: { conditions?: { type: string; status: string }[] };
    };
    if (live.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) return;
    if (Date.now() > deadline) throw new ApplyError(nameOf(crd), "not Established in time");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Applies the objects in stages; returns what the API server answered, in the objects' order. */
export async function applyAll(
  api: Client,
  objects: readonly K8sObject[],
  opts: ApplyOptions,
): Promise<unknown[]> {
  const out = new Map<K8sObject, unknown>();
  const stage = async (list: readonly K8sObject[]) =>
    bounded(list, CONCURRENCY, async (o) => void out.set(o, await applyObject(api, o, opts)));
  await stage(objects.filter(isFirst));
  if (!opts.dryRun)
    await bounded(
      objects.filter((o) => o.kind === "CustomResourceDefinition"),
      CONCURRENCY,
      (crd) => waitEstablished(api, crd, opts.deadline),
    );
  await stage(objects.filter((o) => !isFirst(o)));
  return objects.map((o) => out.get(o));
}

/**
 * Deletes the objects, in the order given (callers pass reverse apply order,
 * CRDs last), and waits until each is gone; one already gone is fine.
 */
export async function deleteAll(api: Client, refs: readonly Ref[], deadline: number): Promise<void> {
  const gone = async (r: Ref) => {
    for (;;) {
      try {
        await api.request("GET", await api.path(r));
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
      await api.request("DELETE", await api.path(r), { propagationPolicy: "Background" });
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
