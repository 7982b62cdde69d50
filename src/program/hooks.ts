/**
 * Helm hooks as helm runs them. A chart's hook objects (annotated
 * helm.sh/hook) are not the release's objects: pre-install/pre-upgrade hooks
 * run before the add-on's objects are applied, post-install/post-upgrade
 * after they are ready; each in weight order, Jobs and Pods waited for until
 * they succeed, then deleted by their hook-delete-policy. They are never
 * resources of their own, so state does not keep them; the hooks of one
 * phase are one HelmHooks resource, which runs them on create (install) and
 * again whenever the add-on's render changes (upgrade). Test hooks are left
 * out when rendering (helm --skip-tests) and here.
 */
import { execFile } from "node:child_process";
import type * as pulumi from "@pulumi/pulumi";
import { ByPathResource, type Operations } from "./by-path";
import type { Hook, HookPhase } from "../render/hooks";

export interface HookProps {
  /** For messages: `add-on "cert-manager"`. */
  label: string;
  kubeconfig: string;
  context: string;
  phase: HookPhase;
  /** JSON of Hook[], in the order they run; a secret, since hooks may hold Secrets. */
  hooks: string;
  /** Changes with the add-on's render: a new one is an upgrade, so the hooks run again. */
  digest: string;
  timeoutSeconds: number;
}

/** Runs the hooks of one event in order; throws naming the hook that failed and why. */
async function runHooks(inputs: HookProps, event: "install" | "upgrade"): Promise<void> {
  const flags = [
    ...(inputs.kubeconfig ? ["--kubeconfig", inputs.kubeconfig] : []),
    "--context",
    inputs.context,
  ];
  const run = (args: string[], input?: string) =>
    new Promise<{ ok: boolean; out: string }>((resolve, reject) => {
      const child = execFile(
        "kubectl",
        [...flags, "--request-timeout=30s", ...args],
        { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
        (err, stdout, stderr) => {
          if ((err as NodeJS.ErrnoException | null)?.code === "ENOENT")
            reject(new Error(`${inputs.label}: kubectl was not found on PATH, so helm hooks cannot run`));
          else resolve({ ok: !err, out: err ? `${stderr}`.trim() || String(err) : stdout });
        },
      );
      child.stdin?.end(input ?? "");
    });
  const must = async (what: string, args: string[], input?: string) => {
    const res = await run(args, input);
    if (!res.ok) throw new Error(`${inputs.label}: helm hook ${what}: ${res.out.split("\n")[0]}`);
    return res.out;
  };
  const hooks = (JSON.parse(inputs.hooks) as Hook[]).filter((h) =>
    h.events.includes(`${inputs.phase}-${event}`),
  );
  const deadline = Date.now() + inputs.timeoutSeconds * 1000;
  // Namespaces must exist before a pre-install hook (helm requires the release's namespace).
  for (const ns of new Set(hooks.map((h) => h.object.metadata.namespace).filter(Boolean)))
    if (!(await run(["get", "namespace", String(ns), "-o", "name"])).ok)
      await must(`namespace ${ns}`, ["create", "namespace", String(ns)]);
  const ran: Hook[] = [];
  const remove = (h: Hook) =>
    run(["delete", "-f", "-", "--ignore-not-found", "--wait=true"], JSON.stringify(h.object));
  for (const h of hooks) {
    const what = `${h.object.kind}/${h.object.metadata.name} (${inputs.phase}-${event})`;
    const body = JSON.stringify(h.object);
    if (h.deletePolicies.includes("before-hook-creation")) await remove(h);
    await must(
      what,
      ["apply", "--server-side", "--force-conflicts", "--field-manager=tazuna-hooks", "-f", "-"],
      body,
    );
    ran.push(h);
    if (h.object.kind !== "Job" && h.object.kind !== "Pod") continue;
    let verdict: "ok" | string = "";
    while (!verdict) {
      const got = await run(["get", "-f", "-", "-o", "json"], body);
      type Status = { phase?: string; conditions?: { type: string; status: string; message?: string }[] };
      // `get -f` answers with a List, even of one object.
      const listed = got.ok ? (JSON.parse(got.out) as { items?: { status?: Status }[] }) : {};
      const status: Status = listed.items?.[0]?.status ?? {};
      const cond = (t: string) => status.conditions?.find((c) => c.type === t && c.status === "True");
      if (h.object.kind === "Job" && cond("Complete")) verdict = "ok";
      else if (h.object.kind === "Job" && cond("Failed"))
        verdict = `the Job failed: ${cond("Failed")?.message ?? ""}`;
      else if (status.phase === "Succeeded") verdict = "ok";
      else if (status.phase === "Failed") verdict = "the Pod failed";
      else if (Date.now() > deadline) verdict = `not done within ${inputs.timeoutSeconds}s`;
      else await new Promise((r) => setTimeout(r, 1000));
    }
    if (verdict !== "ok") {
      for (const x of ran) if (x.deletePolicies.includes("hook-failed")) await remove(x);
      throw new Error(`${inputs.label}: helm hook ${what} failed: ${verdict}`);
    }
  }
  // As helm does: hook-succeeded hooks go once every hook of the event has succeeded.
  for (const h of ran) if (h.deletePolicies.includes("hook-succeeded")) await remove(h);
}

export const hooksOps: Operations<HookProps> = {
  async create(inputs) {
    await runHooks(inputs, "install");
    return { id: `${inputs.label}:${inputs.phase}`, outs: inputs };
  },
  async update(_id, _olds, news) {
    await runHooks(news, "upgrade");
    return { outs: news };
  },
  async diff(_id, olds, news) {
    return { changes: olds.digest !== news.digest || olds.hooks !== news.hooks };
  },
};

export class HelmHooks extends ByPathResource {
  constructor(
    name: string,
    props: { [K in keyof HookProps]: pulumi.Input<HookProps[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super("HelmHooks", name, props, { file: __filename, exportName: "hooksOps" }, opts);
  }
}
