/**
 * Helm hooks as helm runs them, from this process. A chart's hook objects
 * (annotated helm.sh/hook) are not the release's objects: pre-install and
 * pre-upgrade hooks run before the add-on's objects are applied,
 * post-install and post-upgrade after they are ready; each in weight order,
 * Jobs and Pods waited for until they succeed, then deleted by their
 * hook-delete-policy. They never reach state: the release reads them from
 * its manifest file.
 */
import type { Hook, HookPhase } from "../render/hooks";
import { applyObject, deleteAll, refOf } from "./apply";
import type { Client } from "../kube/client";
import { TazunaError } from "../errors/tazuna-error";

const HOOK_MANAGER = "tazuna-hooks";

export class HookError extends TazunaError {}

interface HookRun {
  label: string;
  phase: HookPhase;
  event: "install" | "upgrade";
  deadline: number;
  timeoutSeconds: number;
}

/** Runs the hooks of one phase and event in order; throws naming the hook that failed and why. */
export async function runHooks(api: Client, all: readonly Hook[], run: HookRun): Promise<void> {
  const hooks = all.filter((h) => h.events.includes(`${run.phase}-${run.event}`));
  // Namespaces must exist before a pre-install hook (helm requires the release's namespace).
  for (const ns of new Set(hooks.map((h) => h.object.metadata.namespace).filter((n): n is string => !!n)))
    if (!(await api.get({ apiVersion: "v1", kind: "Namespace", name: ns })))
      await api.request("POST", "/api/v1/namespaces", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: ns },
      });
  const ran: Hook[] = [];
  const remove = (h: Hook) => deleteAll(api, [refOf(h.object)], run.deadline);
  for (const h of hooks) {
    const what = `${h.object.kind}/${h.object.metadata.name} (${run.phase}-${run.event})`;
    if (h.deletePolicies.includes("before-hook-creation")) await remove(h);
    try {
      await applyObject(api, h.object, { deadline: run.deadline, manager: HOOK_MANAGER });
    } catch (err) {
      throw new HookError(`${run.label}: helm hook ${what}: ${(err as Error).message}`);
    }
    ran.push(h);
    const verdict = await outcome(api, h, run);
    if (verdict !== "ok") {
      for (const x of ran) if (x.deletePolicies.includes("hook-failed")) await remove(x);
      throw new HookError(`${run.label}: helm hook ${what} failed: ${verdict}`);
    }
  }
  // As helm does: hook-succeeded hooks go once every hook of the event has succeeded.
  for (const h of ran) if (h.deletePolicies.includes("hook-succeeded")) await remove(h);
}

type Status = { phase?: string; conditions?: { type: string; status: string; message?: string }[] };

/** "ok" once a Job completes or a Pod succeeds (other kinds at once); else why not. */
async function outcome(api: Client, h: Hook, run: HookRun): Promise<string> {
  if (h.object.kind !== "Job" && h.object.kind !== "Pod") return "ok";
  for (;;) {
    const live = (await api.get(refOf(h.object)).catch(() => undefined)) as { status?: Status } | undefined;
    const status: Status = live?.status ?? {};
    const cond = (t: string) => status.conditions?.find((c) => c.type === t && c.status === "True");
    if (h.object.kind === "Job" && cond("Complete")) return "ok";
    if (h.object.kind === "Job" && cond("Failed")) return `the Job failed: ${cond("Failed")?.message ?? ""}`;
    if (status.phase === "Succeeded") return "ok";
    if (status.phase === "Failed") return "the Pod failed";
    if (Date.now() > run.deadline) return `not done within ${run.timeoutSeconds}s`;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
