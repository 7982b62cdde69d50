/**
 * WaitUntil: a post-apply check (`tests[].waitUntil`) that holds back
 * everything after it until an object reaches a condition. It runs
 * `kubectl wait` on create and when its inputs change, so an unchanged
 * declaration stays a no-op.
 */
import * as pulumi from "@pulumi/pulumi";

export interface WaitProps {
  test: string;
  kubeconfig: string;
  context: string;
  /** kubectl's TYPE[.VERSION][.GROUP]/NAME. */
  target: string;
  namespace: string;
  /** kubectl wait --for value: condition=Ready or jsonpath={...}=value. */
  forExpr: string;
  timeoutSeconds: number;
}

// Self-contained on purpose: the engine stores this object's code in state.
export const waitProvider: pulumi.dynamic.ResourceProvider<WaitProps, WaitProps> = {
  async create(inputs) {
    const { execFile } = await import("node:child_process");
    const run = (args: string[]) =>
      new Promise<{ ok: boolean; out: string }>((resolve) =>
        execFile(
          "kubectl",
          ["--kubeconfig", inputs.kubeconfig, "--context", inputs.context, ...args],
          (err, stdout, stderr) => resolve({ ok: !err, out: `${stdout}${stderr}`.trim() }),
        ),
      );
    const ns = inputs.namespace ? ["-n", inputs.namespace] : [];
    const deadline = Date.now() + inputs.timeoutSeconds * 1000;
    let last = "";
    while (Date.now() < deadline) {
      const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
      const res = await run([
        "wait",
        inputs.target,
        ...ns,
        `--for=${inputs.forExpr}`,
        `--timeout=${Math.min(left, 10)}s`,
      ]);
      if (res.ok) return { id: `${inputs.test}`, outs: inputs };
      last = res.out;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const name = inputs.target.split("/").pop() ?? "";
    const events = await run([
      "get",
      "events",
      ...ns,
      "--field-selector",
      `involvedObject.name=${name}`,
      "--sort-by=.lastTimestamp",
    ]);
    throw new Error(
      `test "${inputs.test}": ${inputs.target}${inputs.namespace ? ` in ${inputs.namespace}` : ""} did not reach ${inputs.forExpr} ` +
        `within ${inputs.timeoutSeconds}s\n  last answer: ${last}\n  last events:\n${events.out
          .split("\n")
          .slice(-5)
          .map((l) => `    ${l}`)
          .join("\n")}`,
    );
  },
  async diff(_id, olds, news) {
    const keys = ["target", "namespace", "forExpr", "context", "kubeconfig"] as const;
    const changes = keys.some((k) => olds[k] !== news[k]);
    return { changes, replaces: changes ? ["target"] : [], deleteBeforeReplace: true };
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
