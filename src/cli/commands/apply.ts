/** `tazuna apply`: plan, confirm on a terminal, apply in order, show progress per add-on. */
import type { Command } from "commander";
import { EXIT } from "../../errors/exit-codes";
import { applyCluster, type ApplyOptions } from "../apply-run";
import { needConfirmation, yesOrStop } from "../confirm";
import { UsageError } from "../errors";
import { fanOut, globalArgv } from "../fan-out";
import { runPerCluster, type ClusterCommand } from "../per-cluster";
import type { GlobalOptions } from "../project";
import { NO_CACHE_OPTION, OFFLINE_OPTION } from "../render-flags";
import { ApplySchema, type ApplyResult } from "../results";
import { planCommand } from "./plan";

export function applyCommand(o: ApplyOptions): ClusterCommand<ApplyResult> {
  return {
    name: "apply",
    schema: ApplySchema,
    run: (opts, cluster) => applyCluster(opts, cluster, o),
    format: (r) =>
      `cluster ${r.cluster}: ${r.result}, ${r.changes.length} change(s) in ${(r.elapsedMs / 1000).toFixed(1)}s`,
    summarize: (r) => `${r.result}, ${r.changes.length} change(s)`,
    exitOf: () => 0,
    changesOf: (r) => r.changes,
    childArgs: ["--yes", ...(o.pruneCrds ? ["--prune-crds"] : [])],
    beforeFanOut: async (opts, clusters) => {
      needConfirmation(o);
      if (o.yes) return;
      // One question for the whole fleet, asked with every cluster's plan in view.
      const argv = [...globalArgv(opts), "plan"];
      const exit = await fanOut({ ...opts, output: "text" }, planCommand, clusters, argv);
      if (exit === EXIT.error || exit === EXIT.interrupted)
        throw new UsageError("not applied: planning failed for at least one cluster (see the table)");
      await yesOrStop(`apply to ${clusters.length} clusters (${clusters.join(", ")})?`);
    },
  };
}

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("apply")
    .description("apply tazuna.yaml to the cluster, in dependency order, waiting for readiness")
    .option("--yes", "do not ask for confirmation")
    .option(
      "--prune",
      "delete the objects that left the declaration (the default unless the stack sets tazuna:prune: false)",
    )
    .option(
      "--no-prune",
      "leave the objects that left the declaration in the cluster, unmanaged (leftovers; state fold takes them back)",
    )
    .option(
      "--prune-leftovers",
      "also delete objects in the namespaces Tazuna manages that no add-on declares (listed in the plan first)",
    )
    .option(
      "--prune-crds",
      "delete the CRDs of removed add-ons too, and every custom resource of them (by default they are kept)",
    )
    .option(
      "-t, --tags <tags>",
      "only add-ons with one of these tags (comma-separated), plus what they depend on",
    )
    .option(
      "--sync",
      "the Go tool's: apply only what changed; Tazuna always does (each release applies only objects not live as declared)",
    )
    .option(
      "--atomic",
      "the Go tool's: hold state until every add-on succeeded; Tazuna records each add-on when it completes, so a failed run resumes where it stopped",
    )
    .option(...NO_CACHE_OPTION)
    .option(...OFFLINE_OPTION)
    .addHelpText(
      "after",
      [
        "\nExamples:",
        "  tazuna apply --cluster staging",
        "  tazuna apply --cluster staging --yes --tags networking",
        "  tazuna apply --all --yes --concurrency 2",
        "  tazuna apply --cluster staging --prune-leftovers",
        "  tazuna apply --cluster staging --yes --no-prune   # keep what left tazuna.yaml in the cluster",
        "\nCtrl-C stops at a safe point (state saved); a killed run is recovered by the next apply.",
      ].join("\n"),
    )
    .action((o: ApplyOptions) => runPerCluster(globals(), applyCommand(o)));
}
