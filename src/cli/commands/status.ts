/** `tazuna status`: per add-on, what was applied (version, digest), readiness of its workloads now, and the last apply. */
import type { Command } from "commander";
import { addonsIn, objectsIn } from "../../state/inventory";
import { workloadReadiness } from "../../live/workloads";
import { stateResources } from "../../state/resources";
import { EXIT } from "../exit-codes";
import { runPerCluster, type ClusterCommand } from "../per-cluster";
import type { GlobalOptions } from "../project";
import { SCHEMA_VERSION, StatusSchema, type StatusResult } from "../results";
import { openClusterStack } from "../cluster-stack";

async function statusOf(opts: GlobalOptions, cluster: string): Promise<StatusResult> {
  const { stack, target, kubeconfig } = await openClusterStack(opts, cluster);
  const [resources, ready, history] = await Promise.all([
    stateResources(stack),
    workloadReadiness(kubeconfig, target.settings.context),
    stack.history(1),
  ]);
  const objects = objectsIn(resources);
  const last = history[0];
  const addons = addonsIn(resources).map(({ addon, version, digest }) => {
    const mine = objects.filter((o) => o.addon === addon);
    const workloads = mine.map((o) => `${o.kind}/${o.namespace}/${o.name}`).filter((k) => ready.has(k));
    const notReady = workloads.filter((k) => !ready.get(k));
    return {
      addon,
      version,
      digest,
      objects: mine.length,
      workloads: workloads.length,
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
  return { schemaVersion: SCHEMA_VERSION, cluster, lastApply, addons };
}

function format(r: StatusResult): string {
  const last = r.lastApply;
  const lines = [
    `cluster ${r.cluster}: last ${last ? `${last.kind} ${last.result} at ${last.endTime ?? "?"}` : "apply: never"}`,
  ];
  for (const a of r.addons) {
    const state = a.ready ? "ready" : `not ready: ${a.notReady.join(", ")}`;
    const version = (a.version || "-").padEnd(14);
    lines.push(
      `  ${a.addon.padEnd(20)} ${version} ${a.digest.slice(7, 19) || "-"}  ${String(a.objects).padStart(3)} objects  ${state}`,
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
    .description("per add-on: version and digest applied, readiness of its workloads now, and the last apply")
    .addHelpText("after", "\nExamples:\n  tazuna status --cluster staging\n  tazuna status --all -o json")
    .action(() => runPerCluster(globals(), statusCommand));
}
