/** `tazuna plan`: what apply would do; exit 0 when nothing changes, 2 when something does. */
import type { Command } from "commander";
import { describeSources } from "../../config/var-flags";
import { EXIT } from "../exit-codes";
import { formatSteps, planSteps } from "../steps";
import { runPerCluster, type ClusterCommand } from "../per-cluster";
import type { GlobalOptions } from "../project";
import { PlanSchema, SCHEMA_VERSION, type PlanResult } from "../results";
import { openClusterStack } from "../cluster-stack";
import { upgradeStep } from "../../engine/upgrade";

export const planCommand: ClusterCommand<PlanResult> = {
  name: "plan",
  schema: PlanSchema,
  run: async (opts, cluster) => {
    const { stack, checkIdentity, checkEngine, varSources } = await openClusterStack(opts, cluster);
    await checkIdentity();
    const upgrade = await checkEngine();
    const vars = Object.keys(varSources).length > 0 ? { vars: varSources } : {};
    // A per-object stack the release engine takes over has no releases to preview until apply upgrades it.
    const changes = upgrade ? [upgradeStep(upgrade)] : await planSteps(stack);
    return { schemaVersion: SCHEMA_VERSION, cluster, changes, ...vars };
  },
  format: (r) =>
    [formatSteps(r.cluster, r.changes), ...(r.vars ? [`  vars: ${describeSources(r.vars)}`] : [])].join("\n"),
  summarize: (r) => (r.changes.length === 0 ? "no changes" : `${r.changes.length} changes`),
  exitOf: (r) => (r.changes.length > 0 ? EXIT.changes : EXIT.ok),
};

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("plan")
    .description("show what apply would do, per add-on and per object (0: no changes, 2: changes, 1: error)")
    .addHelpText(
      "after",
      "\nExamples:\n  tazuna plan --cluster staging\n  tazuna plan --cluster staging --output json\n  tazuna plan --all --concurrency 2",
    )
    .action(() => runPerCluster(globals(), planCommand));
}
