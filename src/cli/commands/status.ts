/** `tazuna status`: per add-on, its objects, whether its workloads are ready now, and the last apply. */
import type { Command } from "commander";
import { installedObjects } from "../../state/inventory";
import { workloadReadiness } from "../../state/live";
import { requireCluster, type GlobalOptions } from "../project";
import { openClusterStack } from "../stack";

export const STATUS_SCHEMA_VERSION = 1;

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("status")
    .description("per add-on: objects installed, readiness of its workloads now, and the last apply")
    .addHelpText("after", "\nExample:\n  tazuna status --cluster staging")
    .action(async () => {
      const opts = globals();
      const cluster = await requireCluster(opts);
      const { stack, target, kubeconfig } = await openClusterStack(opts, cluster);
      const [objects, ready, history] = await Promise.all([
        installedObjects(stack),
        workloadReadiness(kubeconfig, target.settings.context),
        stack.history(1),
      ]);
      const last = history[0];
      const addons = [...new Set(objects.map((o) => o.addon))].map((addon) => {
        const mine = objects.filter((o) => o.addon === addon);
        const workloads = mine.map((o) => `${o.kind}/${o.namespace}/${o.name}`).filter((k) => ready.has(k));
        const notReady = workloads.filter((k) => !ready.get(k));
        return {
          addon,
          objects: mine.length,
          workloads: workloads.length,
          ready: notReady.length === 0,
          notReady,
        };
      });
      const lastApply = last ? { kind: last.kind, result: last.result, endTime: last.endTime } : null;
      if (opts.output === "json") {
        console.log(JSON.stringify({ schemaVersion: STATUS_SCHEMA_VERSION, cluster, lastApply, addons }));
        return;
      }
      console.log(
        `cluster ${cluster}: last ${lastApply ? `${lastApply.kind} ${lastApply.result} at ${lastApply.endTime}` : "apply: never"}`,
      );
      for (const a of addons) {
        const state = a.ready ? "ready" : `not ready: ${a.notReady.join(", ")}`;
        console.log(`  ${a.addon.padEnd(20)} ${String(a.objects).padStart(3)} objects  ${state}`);
      }
    });
}
