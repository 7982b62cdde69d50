/** `tazuna status`: per add-on, what was applied (version, digest) and whether it is ready now; per object, its state; the last apply. */
import type { Command } from "commander";
import { addonsIn, objectsIn } from "../../state/inventory";
import { stateResources } from "../../state/resources";
import { EXIT } from "../../errors/exit-codes";
import { runPerCluster, type ClusterCommand } from "../per-cluster";
import type { GlobalOptions } from "../project";
import { SCHEMA_VERSION, StatusSchema, type StatusResult } from "../results";
import { openClusterStack } from "../cluster-stack";

async function statusOf(opts: GlobalOptions, cluster: string): Promise<StatusResult> {
  const { stack, target, kubeconfig } = await openClusterStack(opts, cluster);
  const [resources, history] = await Promise.all([stateResources(stack), stack.history(1)]);
  const installed = objectsIn(resources);
  // Loaded on use: it pulls in the Kubernetes client, which `tazuna --help` never needs.
  const { objectStatuses } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("../../live/object-status") as typeof import("../../live/object-status");
  const states = await objectStatuses(kubeconfig, target.settings.context, installed);
  const objects = installed.map((o, i) => ({
    addon: o.addon,
    kind: o.kind,
    namespace: o.namespace,
    name: o.name,
    ...(states[i] ?? { state: "Error" as const, reason: "not read" }),
  }));
  const last = history[0];
  const addons = addonsIn(resources).map(({ addon, version, digest }) => {
    const mine = objects.filter((o) => o.addon === addon);
    const notReady = mine.filter((o) => o.state !== "Ready").map((o) => `${o.kind}/${o.namespace}/${o.name}`);
    return {
      addon,
      version,
      digest,
      objects: mine.length,
      workloads: mine.filter((o) => WORKLOADS.has(o.kind)).length,
      ready: notReady.length === 0,
      notReady,
    };
  });
  const lastApply = last
    ? {
        kind: last.kind,
        result: last.result,
        ...(last.endTime ? { endTime: new Date(last.endTime).toISOString() } : {}),
      }
    : null;
  return { schemaVersion: SCHEMA_VERSION, cluster, lastApply, addons, objects };
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

function format(r: StatusResult): string {
  const last = r.lastApply;
  const lines = [
    `cluster ${r.cluster}: last ${last ? `${last.kind} ${last.result} at ${last.endTime ?? "?"}` : "apply: never"}`,
  ];
  for (const a of r.addons) {
    const state = a.ready ? "ready" : `not ready: ${a.notReady.length} of ${a.objects}`;
    const version = (a.version || "-").padEnd(14);
    lines.push(
      `  ${a.addon.padEnd(20)} ${version} ${a.digest.slice(7, 19) || "-"}  ${String(a.objects).padStart(3)} objects  ${state}`,
    );
    // Each object as the Go tool lists them: its state, and why when it is not Ready.
    for (const o of r.objects.filter((x) => x.addon === a.addon))
      lines.push(
        `    ${o.state.padEnd(8)} ${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}${o.reason ? `  (${o.reason})` : ""}`,
      );
  }
  return lines.join("\n");
}

export const statusCommand: ClusterCommand<StatusResult> = {
  name: "status",
  schema: StatusSchema,
  run: statusOf,
  format,
  summarize: (r) => {
    const bad = r.addons.filter((a) => !a.ready).map((a) => a.addon);
    return bad.length === 0 ? `${r.addons.length} add-ons ready` : `not ready: ${bad.join(", ")}`;
  },
  exitOf: () => EXIT.ok,
};

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("status")
    .description(
      "per add-on: version and digest applied and whether it is ready; per object: Ready, NotReady (why), Missing or Error; the last apply",
    )
    .addHelpText("after", "\nExamples:\n  tazuna status --cluster staging\n  tazuna status --all -o json")
    .action(() => runPerCluster(globals(), statusCommand));
}
