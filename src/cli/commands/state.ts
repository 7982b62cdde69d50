/** `tazuna state list|diff`: what state says is installed, and how the declaration differs from it. */
import type { Command } from "commander";
import { renderAll } from "../../render";
import { diffStateAgainst } from "../../state/diff";
import { driftOf } from "../../state/drift";
import { installedObjects } from "../../state/inventory";
import { EXIT } from "../exit-codes";
import { requireCluster, type GlobalOptions } from "../project";
import { openClusterStack } from "../stack";

export const STATE_SCHEMA_VERSION = 1;

export function register(program: Command, globals: () => GlobalOptions): void {
  const state = program.command("state").description("inspect what the stack's state records");
  state
    .command("list")
    .description("list the objects state says are installed: add-on, kind, namespace, name")
    .addHelpText("after", "\nExample:\n  tazuna state list --cluster staging --output json")
    .action(async () => {
      const opts = globals();
      const cluster = await requireCluster(opts);
      const { stack } = await openClusterStack(opts, cluster);
      const objects = (await installedObjects(stack)).map(({ applied: _a, ...o }) => o);
      if (opts.output === "json")
        console.log(JSON.stringify({ schemaVersion: STATE_SCHEMA_VERSION, cluster, objects }));
      else for (const o of objects) console.log([o.addon, o.kind, o.namespace || "-", o.name].join("\t"));
    });
  state
    .command("diff")
    .description("compare the declaration with state, without touching the cluster (exit 2 when they differ)")
    .addHelpText("after", "\nExample:\n  tazuna state diff --cluster staging")
    .action(async () => {
      const opts = globals();
      const cluster = await requireCluster(opts);
      const { stack, target } = await openClusterStack(opts, cluster);
      const diff = diffStateAgainst(
        await renderAll(target.declaration.addons),
        await installedObjects(stack),
      );
      if (opts.output === "json")
        console.log(JSON.stringify({ schemaVersion: STATE_SCHEMA_VERSION, cluster, diff }));
      else if (diff.length === 0) console.log(`cluster ${cluster}: declaration and state agree`);
      else
        for (const d of diff) console.log([d.change, d.addon, d.kind, d.namespace || "-", d.name].join("\t"));
      process.exitCode = diff.length > 0 ? EXIT.changes : EXIT.ok;
    });
  state
    .command("drift")
    .description(
      "compare state with the live cluster: changed or deleted by hand, and undeclared leftovers (exit 2 on drift)",
    )
    .addHelpText("after", "\nExample (on a schedule):\n  tazuna state drift --cluster production -o json")
    .action(async () => {
      const opts = globals();
      const cluster = await requireCluster(opts);
      const { stack, target, kubeconfig, checkIdentity } = await openClusterStack(opts, cluster);
      await checkIdentity();
      const drift = await driftOf(stack, kubeconfig, target.settings.context);
      if (opts.output === "json")
        console.log(JSON.stringify({ schemaVersion: STATE_SCHEMA_VERSION, cluster, drift }));
      else if (drift.length === 0) console.log(`cluster ${cluster}: no drift`);
      else
        for (const d of drift)
          console.log(
            [d.drift, d.addon || "-", d.kind, d.namespace || "-", d.name, d.fields.join(",")].join("\t"),
          );
      process.exitCode = drift.length > 0 ? EXIT.changes : EXIT.ok;
    });
}
