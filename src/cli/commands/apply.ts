/** `tazuna apply`: plan, confirm on a terminal, apply in order, show progress per add-on. */
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { formatSteps, planSteps } from "../plan";
import { stepOf } from "../steps";
import { UsageError } from "../errors";
import { requireCluster, type GlobalOptions } from "../project";
import { openClusterStack } from "../stack";

export async function confirm(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("apply")
    .description("apply tazuna.yaml to the cluster, in dependency order, waiting for readiness")
    .option("--yes", "do not ask for confirmation")
    .addHelpText(
      "after",
      "\nExamples:\n  tazuna apply --cluster staging\n  tazuna apply --cluster staging --yes",
    )
    .action(async (o: { yes?: boolean }) => {
      const opts = globals();
      const cluster = await requireCluster(opts);
      const { stack, checkIdentity } = await openClusterStack(opts, cluster);
      // Refreshing reads through the context; make sure it still reaches the recorded cluster.
      await checkIdentity();
      const steps = await planSteps(stack);
      console.error(formatSteps(cluster, steps));
      if (steps.length === 0) return;
      if (!o.yes && process.stdin.isTTY) {
        const answer = await confirm(`apply ${steps.length} change(s) to cluster ${cluster}? [y/N] `);
        if (!/^y(es)?$/i.test(answer)) throw new UsageError("not applied");
      }
      const t0 = Date.now();
      const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`.padStart(7);
      // refresh: objects changed or deleted by hand are put back, not just new declarations applied.
      const res = await stack.up({
        refresh: true,
        onEvent: (e) => {
          const s = stepOf(e);
          if (s) console.error(`${elapsed()}  ${s.addon}: ${s.op} ${s.object}`);
          const out = e.resOutputsEvent?.metadata;
          if (out?.type === "tazuna:index:Addon")
            console.error(`${elapsed()}  ${out.urn.split("::").pop() ?? ""}: ready`);
        },
      });
      console.log(`cluster ${cluster}: ${res.summary.result} in ${elapsed().trim()}`);
    });
}
