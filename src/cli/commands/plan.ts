/** `tazuna plan`: what apply would do; exit 0 (with --detailed-exitcode: 2 when something changes). */
import type { Command } from "commander";
import { describeSources } from "../../config/var-flags";
import { EXIT } from "../../errors/exit-codes";
import { formatSteps, planSteps } from "../steps";
import { runPerCluster, type ClusterCommand } from "../per-cluster";
import type { GlobalOptions } from "../project";
import { PlanSchema, SCHEMA_VERSION, type PlanResult } from "../results";
import { openClusterStack } from "../cluster-stack";
import { upgradeStep } from "../../engine/upgrade";
import { cacheModeOf, setCacheMode } from "../../render/artifact-cache";
import { NO_CACHE_OPTION, OFFLINE_OPTION, type CacheFlags } from "../render-flags";
import { excludedBy, selectAddons } from "../select";

interface PlanOptions extends CacheFlags {
  tags?: string;
  prune?: boolean;
}

export function planCommandFor(o: PlanOptions): ClusterCommand<PlanResult> {
  return {
    name: "plan",
    schema: PlanSchema,
    run: async (opts, cluster) => {
      const tags = (o.tags ?? "").split(",").filter(Boolean);
      const cache = cacheModeOf(o);
      setCacheMode(cache);
      const runOpts = { ...opts, cache, ...(o.prune !== undefined ? { prune: o.prune } : {}) };
      const { stack, target, project, only, checkIdentity, checkEngine, varSources, prune } =
        await openClusterStack(runOpts, cluster, (t) => selectAddons(t, tags, "planning"));
      await checkIdentity();
      const upgrade = await checkEngine();
      const vars = Object.keys(varSources).length > 0 ? { vars: varSources } : {};
      // A per-object stack the release engine takes over has no releases to preview until apply upgrades it.
      const changes = upgrade
        ? [upgradeStep(upgrade)]
        : await planSteps(stack, prune, excludedBy(only, target, cluster, project.name));
      return { schemaVersion: SCHEMA_VERSION, cluster, changes, ...vars };
    },
    format: (r) =>
      [formatSteps(r.cluster, r.changes), ...(r.vars ? [`  vars: ${describeSources(r.vars)}`] : [])].join(
        "\n",
      ),
    summarize: (r) => (r.changes.length === 0 ? "no changes" : `${r.changes.length} changes`),
    exitOf: (r) => (r.changes.length > 0 ? EXIT.changes : EXIT.ok),
    planOf: (r) => ({ cluster: r.cluster, changes: r.changes }),
    changesOf: (r) => r.changes,
  };
}

/** plan as `tazuna summary` reads it and as apply runs it over a fleet before asking. */
export const planCommand = planCommandFor({});

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("plan")
    .description(
      "show what apply would do, per add-on and per object (exit 0; with --detailed-exitcode, 2 when something changes)",
    )
    .option(
      "-t, --tags <tags>",
      "only add-ons with one of these tags (comma-separated), plus what they depend on",
    )
    .option("--prune", "plan deleting what left the declaration (as apply --prune)")
    .option("--no-prune", "plan leaving what left the declaration in the cluster (as apply --no-prune)")
    .option(...NO_CACHE_OPTION)
    .option(...OFFLINE_OPTION)
    .addHelpText(
      "after",
      [
        "\nExamples:",
        "  tazuna plan --cluster staging",
        "  tazuna plan --cluster staging --output json",
        "  tazuna plan --all --concurrency 2",
        "  tazuna plan --cluster staging -t network",
        "  tazuna plan --cluster staging --detailed-exitcode   # CI gate: exit 2 when something changes",
        "  tazuna plan --all -o markdown > plan.md              # a pull-request comment",
      ].join("\n"),
    )
    .action((o: PlanOptions) => runPerCluster(globals(), planCommandFor(o)));
}
