/**
 * WaitUntil holds back everything after it until an object is ready: a
 * rollout finished, a condition True, or a field at a value. It backs both
 * the built-in readiness of an add-on's workloads and CRDs and the declared
 * `tests[].waitUntil` checks. It runs `kubectl` on create and whenever its
 * inputs change (`revision` changes with the object it watches), so an
 * unchanged declaration stays a no-op.
 */
import * as pulumi from "@pulumi/pulumi";

export interface WaitProps {
  /** Who waits, for messages: `add-on "cert-manager"` or `test "argocd-up"`. */
  label: string;
  kubeconfig: string;
  context: string;
  /** kubectl's TYPE[.VERSION][.GROUP]/NAME. */
  target: string;
  namespace: string;
  /** "rollout" (kubectl rollout status), or a kubectl wait --for value: condition=Ready, jsonpath={...}=value. */
  forExpr: string;
  timeoutSeconds: number;
  /** A digest of the watched object as declared; a new one waits again. */
  revision: string;
}

// Self-contained on purpose: the engine stores this object's code in state.
/** Waits until the object is ready, or throws a message that says why not. */
async function waitReady(inputs: WaitProps): Promise<{ id: string; outs: WaitProps }> {
  const { execFile } = await import("node:child_process");
  const run = (args: string[]) =>
    new Promise<{ ok: boolean; out: string }>((resolve, reject) =>
      execFile(
        "kubectl",
        [
          ...(inputs.kubeconfig ? ["--kubeconfig", inputs.kubeconfig] : []),
          "--context",
          inputs.context,
          ...args,
        ],
        (err, stdout, stderr) => {
          // No kubectl at all is not worth waiting out the timeout for.
          if ((err as NodeJS.ErrnoException | null)?.code === "ENOENT")
            reject(
              new Error(
                `${inputs.label}: kubectl was not found on PATH, so readiness cannot be checked\n` +
                  "  fix: install kubectl (kubernetes.io/docs/tasks/tools) and put it on PATH; tazuna doctor checks every program Tazuna needs",
              ),
            );
          else resolve({ ok: !err, out: `${stdout}${stderr}`.trim() });
        },
      ),
    );
  const ns = inputs.namespace ? ["-n", inputs.namespace] : [];
  const deadline = Date.now() + inputs.timeoutSeconds * 1000;
  let last = "";
  while (Date.now() < deadline) {
    const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    const timeout = `--timeout=${Math.min(left, 10)}s`;
    const res =
      inputs.forExpr === "rollout"
        ? await run(["rollout", "status", inputs.target, ...ns, timeout])
        : await run(["wait", inputs.target, ...ns, `--for=${inputs.forExpr}`, timeout]);
    if (res.ok) return { id: `${inputs.label}:${inputs.target}`, outs: inputs };
    last = res.out;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const name = inputs.target.split("/").pop() ?? "";
  // The object's own events and those of what it owns (pods are named after it).
  const events = await run(["get", "events", ...ns, "--sort-by=.lastTimestamp"]);
  const related = events.out.split("\n").filter((l) => l.includes(name));
  throw new Error(
    `${inputs.label}: ${inputs.target}${inputs.namespace ? ` in namespace ${inputs.namespace}` : ""} ` +
      `did not become ready (${inputs.forExpr === "rollout" ? "rollout complete" : inputs.forExpr}) ` +
      `within ${inputs.timeoutSeconds}s\n  last answer: ${last}\n  last events:\n` +
      (related
        .slice(-5)
        .map((l) => `    ${l}`)
        .join("\n") || "    (none)"),
  );
}

export const waitProvider: pulumi.dynamic.ResourceProvider<WaitProps, WaitProps> = {
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
  async read(id, props) {
    return { id, props: props ?? ({} as WaitProps) };
  },
  async delete() {
    // A check leaves nothing behind.
  },
};

export class WaitUntil extends pulumi.dynamic.Resource {
  constructor(name: string, props: WaitProps, opts?: pulumi.CustomResourceOptions) {
    super(waitProvider, name, props, opts, "tazuna", "WaitUntil");
  }
}

/** kubectl's resource argument for a kind in an apiVersion: Deployment.v1.apps/web. */
export function kubectlTarget(kind: string, name: string, apiVersion?: string): string {
  if (!apiVersion) return `${kind}/${name}`;
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return group ? `${kind}.${version}.${group}/${name}` : `${kind}/${name}`;
}
