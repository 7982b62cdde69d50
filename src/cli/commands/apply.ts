/** `tazuna apply`: plan, confirm on a terminal, apply in order, show progress per add-on. */
import type { Command } from "commander";
import { stackFilePath } from "../../config/stack-file";
import { boundUid, pinAfterApply } from "../../guard/pinned";
import { recoverInterrupted } from "../../engine/recovery";
import { upgradeStep } from "../../engine/upgrade";
import { EXIT } from "../../errors/exit-codes";
import { deleteKeptCrds } from "../../live/retained";
import { deleteShownLeftovers, leftoverObjects, leftoversToDelete } from "../../live/drift";
import { leftBehindNote } from "../../release/prune";
import { cacheModeOf, setCacheMode } from "../../render/artifact-cache";
import { installedObjects } from "../../state/inventory";
import { openClusterStack } from "../cluster-stack";
import { needConfirmation, yesOrStop } from "../confirm";
import { UsageError } from "../errors";
import { fanOut, globalArgv } from "../fan-out";
import { log } from "../output";
import { runPerCluster, type ClusterCommand } from "../per-cluster";
import type { GlobalOptions } from "../project";
import { NO_CACHE_OPTION, OFFLINE_OPTION, type CacheFlags } from "../render-flags";
import { ApplySchema, SCHEMA_VERSION, type ApplyResult } from "../results";
import { excludedBy, selectAddons } from "../select";
import { formatSteps, planSteps } from "../steps";
import { upWithProgress } from "../apply-up";
import { planCommand } from "./plan";

interface ApplyOptions extends CacheFlags {
  yes?: boolean;
  tags?: string;
  pruneLeftovers?: boolean;
  pruneCrds?: boolean;
  /** --prune / --no-prune; unset: the stack's tazuna:prune. */
  prune?: boolean;
  /** The Go tool's --sync and --atomic: accepted; Tazuna always does what they asked for (see --help). */
  sync?: boolean;
  atomic?: boolean;
}

async function applyCluster(opts: GlobalOptions, cluster: string, o: ApplyOptions): Promise<ApplyResult> {
  needConfirmation(o);
  const tags = (o.tags ?? "").split(",").filter(Boolean);
  if (o.pruneLeftovers && tags.length > 0)
    throw new UsageError(
      "--prune-leftovers looks at every add-on's namespaces\n  fix: drop --tags, or run it without --prune-leftovers",
    );
  const runOpts = {
    ...opts,
    writes: true,
    cache: cacheModeOf(o),
    ...(o.prune !== undefined ? { prune: o.prune } : {}),
  };
  setCacheMode(runOpts.cache);
  const { stack, target, project, backend, checkIdentity, checkEngine, only, kubeconfig, prune } =
    await openClusterStack(runOpts, cluster, (t) => selectAddons(t, tags, "applying"));
  const addons = only ? [...only] : target.declaration.addons.map((a) => a.name);
  const exclude = excludedBy(only, target, cluster, project.name);
  // Refreshing reads through the context; make sure it still reaches the recorded cluster.
  await checkIdentity();
  const upgrade = await checkEngine();
  if (upgrade && only)
    throw new UsageError(
      "this stack was written by the per-object engine; the release engine takes it over with every add-on at once\n  fix: run this apply without --tags",
    );
  const recovered = await recoverInterrupted(stack, backend, project.name);
  for (const r of recovered) log(`recovered: ${r}`);
  // With --yes nobody reads a plan before the changes start: the up reports
  // each change as it makes it, and a summary in the plan's format at the end.
  // A separate preview would read every object and run the program twice.
  // A stack to upgrade has no releases to preview yet: its plan is the upgrade.
  const steps = upgrade ? [upgradeStep(upgrade)] : o.yes ? [] : await planSteps(stack, prune, exclude);
  if (!o.yes) log(formatSteps(cluster, steps));
  const context = target.settings.context;
  // What state holds before this apply: read once, for the leftovers.
  const installed = await installedObjects(stack);
  // Listed before the question: nothing is deleted that was not shown.
  const leftovers = o.pruneLeftovers ? await leftoverObjects(kubeconfig, context, installed) : [];
  if (o.pruneLeftovers) log(leftoversToDelete(leftovers));
  const result = {
    schemaVersion: SCHEMA_VERSION,
    cluster,
    tags,
    addons,
    recovered,
    prunedLeftovers: [] as string[],
  } as const;
  if (!o.yes) {
    if (steps.length === 0 && recovered.length === 0 && leftovers.length === 0)
      return { ...result, result: "succeeded", changes: [], elapsedMs: 0 };
    await yesOrStop(
      `apply ${steps.length} change(s)${leftovers.length ? ` and delete ${leftovers.length} leftover(s)` : ""} on cluster ${cluster}?`,
    );
  }
  const boundBefore = await boundUid(stack);
  const t0 = Date.now();
  const up = await upWithProgress(stack, { addons, prune, exclude, upgrade, recovered });
  if (o.yes) log(formatSteps(cluster, up.steps));
  const pruned = await deleteShownLeftovers(leftovers, kubeconfig, context, stack);
  const notes = [
    leftBehindNote(up.steps, prune),
    ...pruned.map((l) => `deleted leftover: ${l}`),
    o.pruneCrds ? await deleteKeptCrds(up.steps, { kubeconfig, context }) : undefined,
    await pinAfterApply(stack, stackFilePath(target.projectDir, cluster), {
      before: boundBefore,
      rebinding: Boolean(target.settings.rebindTo),
    }),
  ];
  for (const note of notes) if (note) log(note);
  return {
    ...result,
    result: up.result,
    changes: up.steps,
    prunedLeftovers: pruned,
    elapsedMs: Date.now() - t0,
  };
}

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
