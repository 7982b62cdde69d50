/**
 * apply's engine run: a per-object stack upgraded first when it needs to be,
 * each release's plan read from its plan folder, progress per add-on, Ctrl-C
 * stopping at a safe point, and an object store's stale lock cleared once.
 */
import type { Stack, UpResult } from "@pulumi/pulumi/automation";
import { unlockingStale } from "../engine/recovery";
import { upgradeToReleases, type Upgrade } from "../engine/upgrade";
import { FORMER_MANAGERS_ENV, withEnv } from "../program/run-env";
import type { PruneRule } from "../release/prune";
import { writingState } from "../state/resources";
import { InterruptedError } from "./errors";
import { interruptible } from "./interrupt";
import { log } from "./output";
import { ApplyProgress } from "./progress";
import type { Step } from "./results";
import { withPlanFolder } from "./steps";

export interface UpPlan {
  addons: string[];
  prune: PruneRule;
  exclude: string[] | undefined;
  upgrade: Upgrade | undefined;
  /** What recovery did; a stale lock cleared here is added. */
  recovered: string[];
}

export async function upWithProgress(
  stack: Stack,
  plan: UpPlan,
): Promise<{ result: UpResult["summary"]["result"]; steps: Step[] }> {
  const progress = new ApplyProgress(plan.addons);
  progress.prune = plan.prune;
  const stop = interruptible("the apply");
  try {
    // Objects changed or deleted by hand are put back, not just new declarations applied:
    // each release finds them by dry-run in its diff.
    if (plan.upgrade) {
      await upgradeToReleases(stack);
      log(`upgrade: ${plan.upgrade.dropped} per-object resource(s) left state; nothing was deleted`);
    }
    const formerManagers = plan.upgrade ? { [FORMER_MANAGERS_ENV]: plan.upgrade.managers.join(",") } : {};
    const up = () =>
      withPlanFolder(stack, (dir) => {
        progress.planFolder = dir;
        return withEnv(formerManagers, () =>
          stack.up({
            // No refresh pass: each release compares its objects with the live ones itself.
            refresh: false,
            onEvent: progress.onEvent,
            signal: stop.signal,
            ...(plan.exclude ? { exclude: plan.exclude } : {}),
          }),
        );
      });
    // An object store's stale lock shows only here, when the engine refuses the stack.
    const res = await unlockingStale(
      stack,
      () => writingState(stack, up),
      (l) => {
        log(`recovered: ${l}`);
        plan.recovered.push(l);
      },
    );
    return { result: res.summary.result, steps: progress.steps };
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
