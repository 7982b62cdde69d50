/**
 * `tazuna verify`: proof that a tazuna.yaml can rebuild a cluster. On a
 * throwaway local control plane, with a fresh state of its own: apply the
 * declaration from zero (every readiness gate and test included), require a
 * second plan without changes, destroy, and require the cluster's inventory
 * to be back to where it started. Nothing of it outlives the run.
 */
import { ruleOf } from "../release/prune";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Stack } from "@pulumi/pulumi/automation";
import type { StackSettings } from "../config/settings";
import { openStack } from "../engine/workspace";
import { destroyStack, formatDestroyed } from "../engine/destroy";
import { tazunaProgram } from "../program/program";
import { ApplyProgress } from "./progress";
import { planSteps } from "./steps";
import { LocalCluster } from "../cluster/control-plane";
import { inventory, inventoryDiff } from "../cluster/inventory";
import { writingState } from "../state/resources";

export interface VerifyStep {
  step: string;
  ok: boolean;
  seconds: number;
  detail?: string;
}

export interface VerifyReport {
  ok: boolean;
  failedStep?: string;
  steps: VerifyStep[];
  addons: { addon: string; state: string; seconds: number }[];
}

export interface VerifyOptions {
  projectDir: string;
  /** The stack whose variables and environment are used (not its cluster). */
  settings: Omit<StackSettings, "context" | "kubeconfig">;
  addons: string[];
  /** Where progress lines go. */
  log: (line: string) => void;
  /** How long the inventory may take to settle after destroy (garbage collection is asynchronous). */
  settleSeconds?: number;
}

class StepFailed extends Error {}

async function timed(
  report: VerifyReport,
  step: string,
  log: (l: string) => void,
  fn: () => Promise<string | undefined>,
): Promise<void> {
  const t0 = Date.now();
  log(`verify: ${step} ...`);
  try {
    const detail = await fn();
    const seconds = (Date.now() - t0) / 1000;
    report.steps.push({ step, ok: true, seconds, ...(detail ? { detail } : {}) });
    log(`verify: ${step}: ok (${seconds.toFixed(1)}s)${detail ? ` ${detail}` : ""}`);
  } catch (err) {
    const seconds = (Date.now() - t0) / 1000;
    const detail = err instanceof Error ? err.message : String(err);
    report.steps.push({ step, ok: false, seconds, detail });
    report.ok = false;
    report.failedStep = step;
    throw new StepFailed(detail);
  }
}

async function settledInventory(cluster: LocalCluster, before: Set<string>, seconds: number) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const diff = inventoryDiff(before, await inventory(cluster.kubectl(), cluster.context));
    if ((diff.added.length === 0 && diff.removed.length === 0) || Date.now() > deadline) return diff;
    await sleep(2000);
  }
}

export async function verify(opts: VerifyOptions): Promise<VerifyReport> {
  const report: VerifyReport = { ok: true, steps: [], addons: [] };
  const work = await mkdtemp(path.join(tmpdir(), "tazuna-verify-"));
  let cluster: LocalCluster | undefined;
  let stack: Stack | undefined;
  const progress = new ApplyProgress(opts.addons, false);
  try {
    await timed(report, "start a throwaway control plane", opts.log, async () => {
      cluster = await LocalCluster.start({ name: "tazuna-verify", dir: path.join(work, "cluster") });
      return cluster.info.server;
    });
    const c = cluster as LocalCluster;
    const before = await inventory(c.kubectl(), c.context);
    const settings: StackSettings = { ...opts.settings, context: c.context, kubeconfig: c.kubeconfig };
    await mkdir(path.join(work, "state"));
    stack = await openStack({
      projectName: "tazuna-verify",
      stackName: "verify",
      backendUrl: `file://${path.join(work, "state")}`,
      passphrase: randomBytes(24).toString("hex"),
      workDir: work,
      program: () =>
        tazunaProgram({ projectDir: opts.projectDir, stackName: "verify", settings, throwawayCluster: true }),
    });
    const s = stack;
    await timed(report, "apply from zero, with every readiness gate and test", opts.log, async () => {
      try {
        await writingState(s, () => s.up({ onEvent: progress.onEvent }));
      } finally {
        report.addons = progress.report();
      }
      return `${opts.addons.length} add-ons`;
    });
    await timed(report, "plan again: no changes", opts.log, async () => {
      // A throwaway cluster: what leaves the declaration is deleted, as the default has it.
      const steps = await planSteps(s, ruleOf(true, undefined));
      if (steps.length > 0)
        throw new Error(
          `the second plan has ${steps.length} change(s), so the declaration does not converge:\n` +
            steps
              .map(
                (x) =>
                  `  ${x.addon}: ${x.op} ${x.object}${x.fields.length ? ` (${x.fields.join(", ")})` : ""}`,
              )
              .join("\n"),
        );
      return undefined;
    });
    await timed(report, "destroy", opts.log, async () => {
      const done = await destroyStack(s, { kubeconfig: c.kubeconfig, context: c.context });
      return formatDestroyed(done).replace(/^destroy succeeded; ?/, "") || undefined;
    });
    await timed(report, "inventory back to where it started", opts.log, async () => {
      const diff = await settledInventory(c, before, opts.settleSeconds ?? 120);
      if (diff.added.length > 0 || diff.removed.length > 0)
        throw new Error(
          [
            ...diff.added.map((x) => `  left behind: ${x}`),
            ...diff.removed.map((x) => `  gone that was there before: ${x}`),
          ].join("\n"),
        );
      return `${before.size} objects, as before`;
    });
  } catch (err) {
    if (!(err instanceof StepFailed)) throw err;
  } finally {
    await cluster?.stop().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
  return report;
}
