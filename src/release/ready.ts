/**
 * Readiness, asked of the API server from this process: one GET per try, no
 * kubectl process per poll. What "ready" means follows kubectl, so a gate
 * passes exactly when `kubectl rollout status` or `kubectl wait` would:
 * a rollout complete (kubectl's status viewers), a condition True, a field
 * at a value (kubectl wait's jsonpath), a CEL condition, or the object
 * present or absent.
 */
import { JSONPath } from "jsonpath-plus";
import { z } from "zod";
import { ApiError, type Client, UnknownKindError, type Ref } from "../kube/client";
import { evaluateCel } from "./cel-deadline";
import { TazunaError } from "../errors/tazuna-error";
import { ReadyWhenSchema, readyText, type ReadyWhen } from "../config/readiness";

/** One readiness check on one object. */
export interface Check {
  /** kubectl's TYPE[.VERSION][.GROUP]/NAME. */
  target: string;
  namespace: string;
  ready: ReadyWhen;
  /** Where the CEL implementation is on this machine (only for cel=). */
  celModule?: string;
}

/** An add-on's readiness gate: a check and how long it may take, carried in its release's manifest. */
export const GateSchema = z.object({
  target: z.string(),
  namespace: z.string(),
  ready: ReadyWhenSchema,
  timeoutSeconds: z.number(),
});
export type Gate = z.infer<typeof GateSchema>;

export interface WaitSpec extends Check {
  /** Who waits, for messages: `add-on "cert-manager"` or `test "argocd-up"`. */
  label: string;
  timeoutSeconds: number;
  /** Passes after this many successes in a row (default 1). */
  successes?: number;
  /** Fails after this many failures in a row; 0 = only at the timeout. */
  failures?: number;
  /** Pause between tries (the first is immediate). */
  intervalSeconds?: number;
}

interface Outcome {
  ok: boolean;
  out: string;
  /** An answer no wait will change (an unknown kind, a forbidden verb, bad credentials). */
  permanent?: boolean;
}

type Obj = Record<string, unknown> & {
  metadata?: { generation?: number };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

/** TYPE[.VERSION][.GROUP]/NAME as the parts of a reference (no VERSION: found by kind). */
export function parseTarget(target: string): { kind: string; apiVersion?: string; name: string } {
  const slash = target.indexOf("/");
  const [kind = "", version, ...group] = target.slice(0, slash).split(".");
  const name = target.slice(slash + 1);
  if (!version) return { kind, name };
  return { kind, name, apiVersion: group.length > 0 ? `${group.join(".")}/${version}` : version };
}

const num = (v: unknown): number => (typeof v === "number" ? v : 0);

/** kubectl's rollout status, for the three kinds it knows. */
export function rolloutStatus(kind: string, o: Obj): Outcome {
  const spec = o.spec ?? {};
  const st = o.status ?? {};
  const observed = num(o.metadata?.generation) <= num(st.observedGeneration);
  const want = typeof spec.replicas === "number" ? spec.replicas : undefined;
  const waiting = (out: string): Outcome => ({ ok: false, out });
  if (kind === "Deployment") {
    if (!observed) return waiting("waiting for the deployment spec update to be observed");
    const conditions = (st.conditions ?? []) as { type: string; reason?: string }[];
    if (conditions.some((c) => c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded"))
      return waiting(`deployment exceeded its progress deadline`);
    if (want !== undefined && num(st.updatedReplicas) < want)
      return waiting(`${num(st.updatedReplicas)} out of ${want} new replicas have been updated`);
    if (num(st.replicas) > num(st.updatedReplicas))
      return waiting(`${num(st.replicas) - num(st.updatedReplicas)} old replicas are pending termination`);
    if (num(st.availableReplicas) < num(st.updatedReplicas))
      return waiting(
        `${num(st.availableReplicas)} of ${num(st.updatedReplicas)} updated replicas are available`,
      );
    return { ok: true, out: "successfully rolled out" };
  }
  const strategy =
    (spec.updateStrategy as { type?: string; rollingUpdate?: { partition?: number } } | undefined) ?? {};
  // OnDelete updates wait for someone to delete pods: nothing to wait for, as kubectl says.
  if (strategy.type && strategy.type !== "RollingUpdate")
    return { ok: true, out: `${strategy.type} update strategy: no rollout to wait for` };
  if (kind === "DaemonSet") {
    if (!observed) return waiting("waiting for the daemon set spec update to be observed");
    const desired = num(st.desiredNumberScheduled);
    if (num(st.updatedNumberScheduled) < desired)
      return waiting(`${num(st.updatedNumberScheduled)} out of ${desired} new pods have been updated`);
    if (num(st.numberAvailable) < desired)
      return waiting(`${num(st.numberAvailable)} of ${desired} updated pods are available`);
    return { ok: true, out: "successfully rolled out" };
  }
  if (kind === "StatefulSet") {
    if (num(st.observedGeneration) === 0 || !observed)
      return waiting("waiting for the statefulset spec update to be observed");
    if (want !== undefined && num(st.readyReplicas) < want)
      return waiting(`${num(st.readyReplicas)} of ${want} pods are ready`);
    const partition = strategy.rollingUpdate?.partition;
    if (partition !== undefined && want !== undefined) {
      const updated = num(st.updatedReplicas);
      if (updated < want - partition)
        return waiting(`${updated} of ${want - partition} partitioned pods have been updated`);
      return { ok: true, out: "partitioned roll out complete" };
    }
    if (st.updateRevision !== st.currentRevision)
      return waiting("waiting for the statefulset rolling update to complete");
    return { ok: true, out: "successfully rolled out" };
  }
  return { ok: false, out: `no rollout status for kind ${kind}`, permanent: true };
}

/** kubectl wait --for=condition=TYPE[=VALUE]: the condition at the value (True by default), of this generation. */
export function conditionMet(o: Obj, expr: string): Outcome {
  const [type = "", value = "true"] = expr.split("=");
  const conditions = ((o.status ?? {}).conditions ?? []) as {
    type: string;
    status: string;
    observedGeneration?: number;
    message?: string;
  }[];
  const c = conditions.find((x) => x.type.toLowerCase() === type.toLowerCase());
  if (!c) return { ok: false, out: `no condition ${type} yet` };
  const stale = c.observedGeneration !== undefined && c.observedGeneration < num(o.metadata?.generation);
  const ok = !stale && c.status.toLowerCase() === value.toLowerCase();
  return {
    ok,
    out: `condition ${c.type} is ${c.status}${stale ? " (not yet for this generation)" : ""}${c.message ? `: ${c.message}` : ""}`,
  };
}

/** kubectl wait --for=jsonpath={PATH}=VALUE: the one value the path leads to, as text. */
export function jsonpathMet(o: Obj, expr: string): Outcome {
  const close = expr.lastIndexOf("}=");
  const path = expr.slice(1, close).trim();
  const want = expr.slice(close + 2);
  const found = JSONPath({
    path: `$${path.startsWith(".") || path.startsWith("[") ? "" : "."}${path}`,
    json: o,
    wrap: true,
  }) as unknown[];
  if (found.length === 0) return { ok: false, out: `${path} is not set` };
  if (found.length > 1)
    return { ok: false, out: `${path} matches ${found.length} values, not one`, permanent: true };
  const v = found[0];
  if (v !== null && typeof v === "object")
    return { ok: false, out: `${path} is an object or a list, not a value`, permanent: true };
  return { ok: String(v) === want, out: `${path} is ${String(v)}` };
}

const PERMANENT_STATUS = new Set([401, 403]);

/** One try: whether the check passes now, and what to show if the wait fails. */
export async function checkOnce(api: Client, check: Check, msLeft: number): Promise<Outcome> {
  const t = parseTarget(check.target);
  try {
    const apiVersion = t.apiVersion ?? (await api.apiVersionOf(t.kind));
    if (!apiVersion)
      return { ok: false, out: `the server doesn't have a resource type "${t.kind}"`, permanent: true };
    const live = await api.get({
      ...t,
      apiVersion,
      ...(check.namespace ? { namespace: check.namespace } : {}),
    } as Ref);
    const ready = check.ready;
    if (ready.type === "exists" || ready.type === "absent") {
      const ok = (live !== undefined) === (ready.type === "exists");
      return { ok, out: live ? "the object exists" : "the object does not exist" };
    }
    if (!live) return { ok: false, out: `${check.target} not found` };
    if (ready.type === "cel") return await celMet(check.celModule ?? "", ready.condition, live, msLeft);
    return readyNow(ready, t.kind, live as Obj);
  } catch (err) {
    const permanent =
      err instanceof UnknownKindError || (err instanceof ApiError && PERMANENT_STATUS.has(err.status));
    return { ok: false, out: (err as Error).message, permanent };
  }
}

/** Whether a live object is ready now, by a check that needs nothing but the object. */
export function readyNow(
  ready: Exclude<ReadyWhen, { type: "cel" | "exists" | "absent" }>,
  kind: string,
  live: Obj,
): Outcome {
  switch (ready.type) {
    case "rollout":
      return rolloutStatus(kind, live);
    case "condition":
      return conditionMet(live, ready.condition);
    case "jsonpath":
      return jsonpathMet(live, ready.jsonpath);
  }
}

async function celMet(module: string, condition: string, live: unknown, ms: number): Promise<Outcome> {
  // In a worker, stopped at the gate's deadline: a condition's work has no other bound.
  const outcome = await evaluateCel(module, condition, live, Math.max(1000, ms));
  if ("error" in outcome) return { ok: false, out: `the condition failed: ${outcome.error.split("\n")[0]}` };
  const shown = typeof outcome.value === "bigint" ? String(outcome.value) : JSON.stringify(outcome.value);
  return { ok: outcome.value === true, out: `the condition is ${shown}` };
}

export class NotReadyError extends TazunaError {}

/**
 * Waits for all of an add-on's checks at once; the first that fails stops
 * the others and is the error.
 */
export async function waitAll(api: Client, checks: readonly Gate[], label: string): Promise<void> {
  const stop = new AbortController();
  await Promise.all(
    checks.map((c) =>
      waitReady(api, { ...c, label }, stop.signal).catch((err: unknown) => {
        stop.abort();
        throw err;
      }),
    ),
  );
}

/** Tries until the check passes; else throws a message naming who waited, the object, why, and its events. */
export async function waitReady(api: Client, spec: WaitSpec, stop?: AbortSignal): Promise<void> {
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  const need = spec.successes || 1;
  const interval = (spec.intervalSeconds ?? 1) * 1000;
  let passed = 0;
  let failed = 0;
  // A discovery cache may lag just after a CRD appears: a few permanent answers in a row end the wait.
  let permanentInARow = 0;
  let last: Outcome;
  for (;;) {
    last = await checkOnce(api, spec, deadline - Date.now());
    passed = last.ok ? passed + 1 : 0;
    failed = last.ok ? 0 : failed + 1;
    permanentInARow = last.permanent ? permanentInARow + 1 : 0;
    if (passed >= need || stop?.aborted) return;
    if (permanentInARow >= 3) break;
    if (spec.failures && failed >= spec.failures) break;
    if (Date.now() + interval >= deadline) break;
    await new Promise((r) => setTimeout(r, interval));
  }
  const what = spec.ready.type === "rollout" ? "rollout complete" : readyText(spec.ready);
  const why =
    permanentInARow >= 3
      ? "cannot be checked: the API server's answer will not change by waiting"
      : spec.failures && failed >= spec.failures
        ? `failed ${failed} times in a row`
        : `did not become ready (${what}) within ${spec.timeoutSeconds}s`;
  const events = await eventsAbout(api, spec).catch(() => []);
  // The last answer goes on the first line too: the engine may pass on only that line.
  throw new NotReadyError(
    `${spec.label}: ${spec.target}${spec.namespace ? ` in namespace ${spec.namespace}` : ""} ${why}; last answer: ${last.out.slice(0, 300)}\n` +
      `  last events:\n` +
      (events.map((l) => `    ${l}`).join("\n") || "    (none)"),
  );
}

interface Event {
  type?: string;
  reason?: string;
  message?: string;
  lastTimestamp?: string;
  eventTime?: string;
  metadata?: { creationTimestamp?: string };
  involvedObject?: { kind?: string; name?: string };
}

/** The last five events of the object and of what it owns (pods are named after it). */
async function eventsAbout(api: Client, spec: WaitSpec): Promise<string[]> {
  const name = parseTarget(spec.target).name;
  const ns = encodeURIComponent(spec.namespace || "default");
  const { items } = (await api.request("GET", `/api/v1/namespaces/${ns}/events`)) as { items: Event[] };
  const when = (e: Event) => e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? "";
  return items
    .filter((e) => (e.involvedObject?.name ?? "").includes(name))
    .sort((a, b) => when(a).localeCompare(when(b)))
    .slice(-5)
    .map(
      (e) =>
        `${when(e)} ${e.type ?? ""} ${e.reason ?? ""} ${e.involvedObject?.kind ?? ""}/${e.involvedObject?.name ?? ""}: ${e.message ?? ""}`,
    );
}
