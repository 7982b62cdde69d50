/**
 * One cluster's apply: open its stack behind the guard, recover what a
 * killed run left, show the plan (and the leftovers --prune-leftovers would
 * delete) and ask, run the engine (cli/apply-up.ts), then say what prune left
 * behind, delete the leftovers shown and, with --prune-crds, the kept CRDs,
 * and pin the stack to its cluster.
 */
import { stackFilePath } from "../config/stack-file";
import { recoverInterrupted } from "../engine/recovery";
import { upgradeStep } from "../engine/upgrade";
import { boundUid, pinAfterApply } from "../guard/pinned";
import { deleteShownLeftovers, leftoverObjects, leftoversToDelete } from "../live/drift";
import { deleteKeptCrds } from "../live/retained";
import { leftBehindNote } from "../release/prune";
import { cacheModeOf, setCacheMode } from "../render/artifact-cache";
import { installedObjects } from "../state/inventory";
import { upWithProgress } from "./apply-up";
import { openClusterStack } from "./cluster-stack";
import { needConfirmation, yesOrStop } from "./confirm";
import { UsageError } from "./errors";
import { log } from "./output";
import type { GlobalOptions } from "./project";
import type { CacheFlags } from "./render-flags";
import { SCHEMA_VERSION, type ApplyResult } from "./results";
import { excludedBy, selectAddons } from "./select";
import { formatSteps, planSteps } from "./steps";

export interface ApplyOptions extends CacheFlags {
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

export async function applyCluster(
  opts: GlobalOptions,
  cluster: string,
  o: ApplyOptions,
): Promise<ApplyResult> {
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
