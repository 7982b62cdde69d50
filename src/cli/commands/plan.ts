/** `tazuna plan`: what apply would do; exit 0 when nothing changes, 2 when something does. */
import type { Command } from "commander";
import { EXIT } from "../exit-codes";
import { PLAN_SCHEMA_VERSION, formatSteps, planSteps } from "../plan";
import { requireCluster, type GlobalOptions } from "../project";
import { openClusterStack } from "../stack";

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("plan")
    .description("show what apply would do, per add-on and per object (0: no changes, 2: changes, 1: error)")
    .addHelpText(
      "after",
      "\nExamples:\n  tazuna plan --cluster staging\n  tazuna plan --cluster staging --output json",
    )
    .action(async () => {
      const opts = globals();
      const cluster = await requireCluster(opts);
      const { stack, checkIdentity } = await openClusterStack(opts, cluster);
      await checkIdentity();
      const steps = await planSteps(stack);
      if (opts.output === "json")
        console.log(JSON.stringify({ schemaVersion: PLAN_SCHEMA_VERSION, cluster, changes: steps }));
      else console.log(formatSteps(cluster, steps));
      process.exitCode = steps.length > 0 ? EXIT.changes : EXIT.ok;
    });
}
