/**
 * What a readiness gate does: kubectl until the object is ready. The engine's
 * dynamic-provider process loads this file by path (see by-path.ts), so it
 * imports only Node's own modules.
 */
import { execFile } from "node:child_process";
import type { Operations } from "./by-path";
import { evaluateCel } from "./cel-deadline";

export interface WaitProps {
  /** Who waits, for messages: `add-on "cert-manager"` or `test "argocd-up"`. */
  label: string;
  kubeconfig: string;
  context: string;
  /** kubectl's TYPE[.VERSION][.GROUP]/NAME. */
  target: string;
  namespace: string;
  /**
   * "rollout" (kubectl rollout status); a kubectl wait --for value
   * (condition=Ready, jsonpath={...}=value); "cel=<condition>"; or
   * "exists" / "absent".
   */
  forExpr: string;
  timeoutSeconds: number;
  /** Passes after this many successes in a row (default 1). */
  successes?: number;
  /** Fails after this many failures in a row; 0 = only at the timeout. */
  failures?: number;
  /** Pause between tries (the first is immediate). */
  intervalSeconds?: number;
  /** Where the CEL implementation is on this machine (only for cel=). */
  celModule?: string;
  /** A digest of the watched object as declared; a new one waits again. */
  revision: string;
}

/** Waits until the object is ready, or throws a message that says why not. */
export async function waitReady(inputs: WaitProps): Promise<{ id: string; outs: WaitProps }> {
  const run = (args: string[]) =>
    new Promise<{ ok: boolean; out: string; stdout: string }>((resolve, reject) =>
      execFile(
        "kubectl",
        [
          ...(inputs.kubeconfig ? ["--kubeconfig", inputs.kubeconfig] : []),
          "--context",
          inputs.context,
          ...args,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          // No kubectl at all is not worth waiting out the timeout for.
          if ((err as NodeJS.ErrnoException | null)?.code === "ENOENT")
            reject(
              new Error(
                `${inputs.label}: kubectl was not found on PATH, so readiness cannot be checked\n` +
                  "  fix: install kubectl (kubernetes.io/docs/tasks/tools) and put it on PATH; tazuna doctor checks every program Tazuna needs",
              ),
            );
          else resolve({ ok: !err, out: `${stdout}${stderr}`.trim(), stdout });
        },
      ),
    );
  const ns = inputs.namespace ? ["-n", inputs.namespace] : [];
  const expr = inputs.forExpr;
  const deadline = Date.now() + inputs.timeoutSeconds * 1000;
  const cel = expr.startsWith("cel=") ? (inputs.celModule ?? "") : undefined;
  // One try: whether it passed, and what to show if the wait fails.
  const attempt = async (): Promise<{ ok: boolean; out: string }> => {
    const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    const timeout = `--timeout=${Math.min(left, 10)}s`;
    if (expr === "rollout") return run(["rollout", "status", inputs.target, ...ns, timeout]);
    if (expr === "exists" || expr === "absent") {
      const res = await run(["get", inputs.target, ...ns, "-o", "name", "--request-timeout=10s"]);
      if (res.ok) return { ok: expr === "exists", out: "the object exists" };
      const missing = /NotFound|not found/.test(res.out);
      return { ok: missing && expr === "absent", out: missing ? "the object does not exist" : res.out };
    }
    if (cel) {
      const res = await run(["get", inputs.target, ...ns, "-o", "json", "--request-timeout=10s"]);
      if (!res.ok) return res;
      // In a worker, stopped at the gate's deadline: a condition's work has no other bound.
      const outcome = await evaluateCel(
        cel,
        expr.slice(4),
        JSON.parse(res.stdout),
        Math.max(1000, deadline - Date.now()),
      );
      if ("error" in outcome)
        return { ok: false, out: `the condition failed: ${outcome.error.split("\n")[0]}` };
      const shown = typeof outcome.value === "bigint" ? String(outcome.value) : JSON.stringify(outcome.value);
      return { ok: outcome.value === true, out: `the condition is ${shown}` };
    }
    return run(["wait", inputs.target, ...ns, `--for=${expr}`, timeout]);
  };
  // Answers no wait will change (an unknown kind, a forbidden verb, bad credentials): a few in a
  // row (a discovery cache may lag just after a CRD appears) end the wait at once.
  const permanent =
    /doesn't have a resource type|no matches for kind|is forbidden|Unauthorized|must be logged in|context was not found|does not exist in kubeconfig/;
  let permanentInARow = 0;
  const need = inputs.successes || 1;
  const interval = (inputs.intervalSeconds ?? 1) * 1000;
  let passed = 0;
  let failed = 0;
  let last: string;
  for (;;) {
    const res = await attempt();
    last = res.out;
    passed = res.ok ? passed + 1 : 0;
    failed = res.ok ? 0 : failed + 1;
    permanentInARow = !res.ok && permanent.test(res.out) ? permanentInARow + 1 : 0;
    if (passed >= need) return { id: `${inputs.label}:${inputs.target}`, outs: inputs };
    if (permanentInARow >= 3) break;
    if (inputs.failures && failed >= inputs.failures) break;
    if (Date.now() + interval >= deadline) break;
    await new Promise((r) => setTimeout(r, interval));
  }
  const name = inputs.target.split("/").pop() ?? "";
  // The object's own events and those of what it owns (pods are named after it).
  const events = await run(["get", "events", ...ns, "--sort-by=.lastTimestamp"]);
  const related = events.out.split("\n").filter((l) => l.includes(name));
  const what = expr === "rollout" ? "rollout complete" : expr;
  const why =
    permanentInARow >= 3
      ? "cannot be checked: kubectl's answer will not change by waiting"
      : inputs.failures && failed >= inputs.failures
        ? `failed ${failed} times in a row`
        : `did not become ready (${what}) within ${inputs.timeoutSeconds}s`;
  // The last answer goes on the first line too: the engine may pass on only that line.
  const answer = last.split("\n")[0]?.slice(0, 300) ?? "";
  throw new Error(
    `${inputs.label}: ${inputs.target}${inputs.namespace ? ` in namespace ${inputs.namespace}` : ""} ${why}; last answer: ${answer}\n` +
      `  last answer: ${last}\n  last events:\n` +
      (related
        .slice(-5)
        .map((l) => `    ${l}`)
        .join("\n") || "    (none)"),
  );
}

export const waitOps: Operations<WaitProps> = {
  // Create and update both wait; update runs when the watched object changed.
  create: (inputs) => waitReady(inputs),
  async update(_id, _olds, news) {
    return { outs: (await waitReady(news)).outs };
  },
  async diff(_id, olds, news) {
    // Not the kubeconfig's path: where the credentials are found (a flag, a KUBECONFIG list)
    // is no change in what is checked, and the cluster binding guards which cluster it is.
    const keys = ["target", "namespace", "forExpr", "context", "revision"] as const;
    const changes = keys.some((k) => olds[k] !== news[k]);
    const moved = olds.target !== news.target || olds.namespace !== news.namespace;
    return { changes, replaces: moved ? ["target"] : [], deleteBeforeReplace: true };
  },
};
