/** `tazuna apply`: plan, confirm on a terminal, apply in order, show progress per add-on. */
import { existsSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { stackFilePath } from "../../config/stack-file";
import { writePin } from "../../guard/pinned";
import type { Command } from "commander";
import { recoverInterrupted, unlockingStale } from "../../engine/recovery";
import { InterruptedError, UsageError } from "../errors";
import { interruptible } from "../interrupt";
import { log } from "../output";
import { EXIT } from "../../errors/exit-codes";
import { fanOut, globalArgv } from "../fan-out";
import { runPerCluster, type ClusterCommand } from "../per-cluster";
import { planCommand } from "./plan";
import { formatSteps, planSteps, withPlanFolder } from "../steps";
import { ApplyProgress } from "../progress";
import type { GlobalOptions } from "../project";
import { ApplySchema, SCHEMA_VERSION, type ApplyResult } from "../results";
import { openClusterStack } from "../cluster-stack";
import { excludedBy, selectAddons } from "../select";
import { deleteCrds } from "../../live/retained";
import { kubectl, type ClusterAccess } from "../../kube/kubectl";
import { writingState } from "../../state/resources";
import type { Stack } from "@pulumi/pulumi/automation";
import type { Step } from "../results";
import { leftBy, type PruneRule } from "../../release/prune";
import { cacheModeOf, setCacheMode } from "../../render/artifact-cache";
import { NO_CACHE_OPTION, OFFLINE_OPTION, type CacheFlags } from "../render-flags";
import { deleteLeftovers, leftoverObjects, leftoverRef, type Leftover } from "../../live/drift";
import { installedObjects } from "../../state/inventory";
import { FORMER_MANAGERS_ENV, withEnv } from "../../program/run-env";
import { upgradeStep, upgradeToReleases } from "../../engine/upgrade";

export async function confirm(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** apply changes clusters: it asks first, and where it cannot ask it needs --yes (as `pulumi up` does). */
function needConfirmation(o: ApplyOptions): void {
  if (o.yes || process.stdin.isTTY) return;
  throw new UsageError(
    "apply changes the cluster, and stdin is not a terminal to ask on; nothing was applied\n  fix: pass --yes (in CI: tazuna apply --yes)",
  );
}

async function yesOrStop(question: string): Promise<void> {
  if (!/^y(es)?$/i.test(await confirm(`${question} [y/N] `))) throw new UsageError("not applied");
}

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

const leftoverKey = (l: Leftover) => `${leftoverRef(l)} -n ${l.namespace}`;

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
  if (o.pruneLeftovers)
    log(
      leftovers.length === 0
        ? "no leftovers in the namespaces Tazuna manages"
        : `leftovers to delete (in namespaces Tazuna manages, declared by no add-on):\n${leftovers.map((l) => `  - ${leftoverKey(l)}`).join("\n")}`,
    );
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
  const boundBefore = (await recorded().recordedBinding(stack))?.uid;
  const t0 = Date.now();
  const progress = new ApplyProgress(addons);
  progress.prune = prune;
  const stop = interruptible("the apply");
  try {
    // Objects changed or deleted by hand are put back, not just new declarations applied:
    // each release finds them by dry-run in its diff.
    if (upgrade) {
      await upgradeToReleases(stack);
      log(`upgrade: ${upgrade.dropped} per-object resource(s) left state; nothing was deleted`);
    }
    const formerManagers = upgrade ? { [FORMER_MANAGERS_ENV]: upgrade.managers.join(",") } : {};
    const up = () =>
      withPlanFolder(stack, (dir) => {
        progress.planFolder = dir;
        return withEnv(formerManagers, () =>
          stack.up({
            // No refresh pass: each release compares its objects with the live ones itself.
            refresh: false,
            onEvent: progress.onEvent,
            signal: stop.signal,
            ...(exclude ? { exclude } : {}),
          }),
        );
      });
    // An object store's stale lock shows only here, when the engine refuses the stack.
    const res = await unlockingStale(
      stack,
      () => writingState(stack, up),
      (l) => {
        log(`recovered: ${l}`);
        recovered.push(l);
      },
    );
    if (o.yes) log(formatSteps(cluster, progress.steps));
    reportLeftBehind(progress.steps, prune);
    const pruned = await pruneShown(leftovers, kubeconfig, context, stack);
    if (o.pruneCrds) await pruneKeptCrds(progress.steps, { kubeconfig, context });
    await pinCluster(stack, stackFilePath(target.projectDir, cluster), {
      before: boundBefore,
      rebinding: Boolean(target.settings.rebindTo),
    });
    return {
      ...result,
      result: res.summary.result,
      changes: progress.steps,
      prunedLeftovers: pruned,
      elapsedMs: Date.now() - t0,
    };
  } catch (err) {
    if (!stop.signal.aborted) throw err;
    throw new InterruptedError(
      `apply interrupted after ${progress.steps.length} change(s): the engine stopped at a safe point, ` +
        `state is saved and unlocked\n  fix: run \`tazuna apply\` again to finish`,
    );
  } finally {
    stop.dispose();
    progress.done();
  }
}

/**
 * The first apply pins the stack to the cluster it reached (and a re-bind
 * moves the pin), in the stack file, where the program checks it on every
 * engine path. A folder without stack files has no stack file to pin in;
 * the binding in state still guards every run that diffs it.
 */
async function pinCluster(
  stack: Stack,
  file: string,
  binding: { before: string | undefined; rebinding: boolean },
): Promise<void> {
  if (!existsSync(file)) return;
  // The binding is new only on the first apply or a re-bind; otherwise the one read before the up stands.
  const uid =
    binding.before && !binding.rebinding ? binding.before : (await recorded().recordedBinding(stack))?.uid;
  if (!uid) return;
  if (await writePin(file, uid)) log(`pinned stack ${stack.name} to cluster ${uid} in ${file}`);
}

/** Loaded on use: it pulls in the Pulumi SDK, which `tazuna --help` and check never need. */
function recorded(): typeof import("../../guard/recorded") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../../guard/recorded") as typeof import("../../guard/recorded");
}

/** With prune off, what left the declaration stays in the cluster, unmanaged: said once, with the way back. */
function reportLeftBehind(steps: Step[], prune: PruneRule): void {
  if (prune.prune) return;
  const left = steps.filter((s) => s.op === "keep" && s.fields.includes(leftBy(prune)));
  if (left.length === 0) return;
  log(
    [
      `left in the cluster, no longer managed (${prune.cause}): ${left.length} object(s)`,
      ...left.map((s) => `  - ${s.addon}: ${s.object}`),
      "  tazuna state drift lists those in managed namespaces as leftovers; tazuna state fold takes them back, tazuna apply --prune-leftovers deletes them",
    ].join("\n"),
  );
}

/** --prune-crds: the CRDs the plan showed as kept go, with their custom resources (counted). */
async function pruneKeptCrds(steps: Step[], cluster: ClusterAccess): Promise<void> {
  const names = steps
    .filter((s) => s.op === "keep" && s.object.includes(":CustomResourceDefinition "))
    .map((s) => s.object.split(" ").pop() ?? "");
  if (names.length === 0) return;
  const crds = await Promise.all(
    names.map(async (name) => {
      const spec = JSON.parse(
        await kubectl(cluster, ["get", "customresourcedefinition", name, "-o", "jsonpath={.spec}"]),
      ) as { group: string; names: { plural: string } };
      return { name, resource: `${spec.names.plural}.${spec.group}` };
    }),
  );
  const customResources = await deleteCrds(cluster, crds);
  log(`--prune-crds: deleted ${names.join(", ")} and ${customResources} custom resource(s) of them`);
}

/** Deletes the leftovers that were shown and are still undeclared after the apply. */
async function pruneShown(
  shown: Leftover[],
  kubeconfig: string,
  context: string,
  stack: Stack,
): Promise<string[]> {
  if (shown.length === 0) return [];
  const still = new Set(
    (await leftoverObjects(kubeconfig, context, await installedObjects(stack))).map(leftoverKey),
  );
  const doomed = shown.filter((l) => still.has(leftoverKey(l)));
  await deleteLeftovers(kubeconfig, context, doomed);
  for (const l of doomed) log(`deleted leftover: ${leftoverKey(l)}`);
  return doomed.map(leftoverKey);
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
