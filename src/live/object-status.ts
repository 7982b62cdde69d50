/**
 * Each installed object's state now, for `tazuna status`: Ready, NotReady
 * (with the reason), Missing or Error, by kstatus' rules (the rules Flux
 * and kpt use, sigs.k8s.io/cli-utils/pkg/kstatus; no JavaScript port
 * exists): rollouts as kubectl has them, Pods running and ready, Jobs
 * complete, PVCs bound, LoadBalancer Services with an address, CRDs
 * Established, and for any kind: not being deleted, its generation
 * observed, no Reconciling/Stalled condition, Ready not False.
 */
import { loadKubeconfig } from "../kube/kubeconfig";
import { Client, type Ref } from "../kube/client";
import { bounded } from "../release/apply";
import { readyNow } from "../release/ready";
import { builtInReady } from "../config/readiness";

export type ObjectState = "Ready" | "NotReady" | "Missing" | "Error";

export interface ObjectStatus {
  state: ObjectState;
  /** Why it is not ready, or what failed; empty when Ready. */
  reason: string;
}

type Obj = Record<string, unknown> & {
  metadata?: { generation?: number; deletionTimestamp?: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

const conditionsOf = (o: Obj): Condition[] => (o.status?.conditions ?? []) as Condition[];
const condition = (o: Obj, type: string) => conditionsOf(o).find((c) => c.type === type);
const ready: ObjectStatus = { state: "Ready", reason: "" };
const notReady = (reason: string): ObjectStatus => ({ state: "NotReady", reason });
const said = (c: Condition) =>
  `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ""})` : ""}`;

/** What kstatus checks for every kind. */
function generic(o: Obj): ObjectStatus | undefined {
  if (o.metadata?.deletionTimestamp) return notReady("being deleted");
  const observed = o.status?.observedGeneration;
  if (
    typeof observed === "number" &&
    typeof o.metadata?.generation === "number" &&
    observed < o.metadata.generation
  )
    return notReady(`generation ${o.metadata.generation} not observed yet (${observed})`);
  for (const type of ["Stalled", "Reconciling"]) {
    const c = condition(o, type);
    if (c?.status === "True") return notReady(said(c));
  }
  const r = condition(o, "Ready");
  if (r?.status === "False") return notReady(said(r));
  return undefined;
}

/** Kinds apply waits for (config/readiness.ts): ready as apply's gate has it, failures said first. */
function asGate(kind: string, o: Obj): ObjectStatus | undefined {
  const gate = builtInReady(kind);
  if (gate?.type !== "rollout" && gate?.type !== "condition") return undefined;
  const failed = kind === "Job" ? condition(o, "Failed") : undefined;
  if (failed?.status === "True") return notReady(`job failed: ${said(failed)}`);
  const names = kind === "CustomResourceDefinition" ? condition(o, "NamesAccepted") : undefined;
  if (names?.status === "False") return notReady(said(names));
  const r = readyNow(gate, kind, o);
  return r.ok ? ready : notReady(r.out);
}

function byKind(kind: string, o: Obj): ObjectStatus {
  const gated = asGate(kind, o);
  if (gated) return gated;
  const st = o.status ?? {};
  switch (kind) {
    case "ReplicaSet": {
      const want = typeof o.spec?.replicas === "number" ? o.spec.replicas : 1;
      const have = typeof st.readyReplicas === "number" ? st.readyReplicas : 0;
      return have >= want ? ready : notReady(`${have} of ${want} replicas ready`);
    }
    case "Pod": {
      if (st.phase === "Succeeded") return ready;
      if (st.phase === "Failed") return notReady(`pod failed${st.reason ? ` (${String(st.reason)})` : ""}`);
      const r = condition(o, "Ready");
      return st.phase === "Running" && r?.status === "True"
        ? ready
        : notReady(`pod ${String(st.phase ?? "Pending")}, not ready`);
    }
    case "PersistentVolumeClaim":
      return st.phase === "Bound" ? ready : notReady(`claim ${String(st.phase ?? "Pending")}, not bound`);
    case "Service": {
      if (o.spec?.type !== "LoadBalancer") return ready;
      const ingress = (st.loadBalancer as { ingress?: unknown[] } | undefined)?.ingress ?? [];
      return ingress.length > 0 ? ready : notReady("no load balancer address yet");
    }
    default:
      return ready;
  }
}

export function statusOf(o: Obj): ObjectStatus {
  return generic(o) ?? byKind(String(o.kind ?? ""), o);
}

/** Each object's status, read from the API server (eight at a time), in the order given. */
export async function objectStatuses(
  kubeconfig: string,
  context: string,
  refs: readonly Ref[],
): Promise<ObjectStatus[]> {
  const api = Client.for(await loadKubeconfig(kubeconfig, context));
  const out: ObjectStatus[] = [];
  try {
    await bounded([...refs.keys()], 8, async (i) => {
      try {
        const live = await api.get(refs[i] as Ref);
        out[i] = live ? statusOf(live as Obj) : { state: "Missing", reason: "not found" };
      } catch (err) {
        out[i] = { state: "Error", reason: (err as Error).message.split("\n")[0] ?? "" };
      }
    });
  } finally {
    api.close();
  }
  return out;
}
