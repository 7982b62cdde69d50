/** `tazuna destroy`: remove everything the stack installed, dependents first, behind the guard. */
import type { Command } from "commander";
import { installedObjects } from "../../state/inventory";
import { UsageError } from "../errors";
import { requireCluster, type GlobalOptions } from "../project";
import { openClusterStack } from "../cluster-stack";
import { confirm } from "./apply";

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("destroy")
    .description("delete every object the stack installed, in reverse dependency order")
    .option("--yes", "confirm without typing the context name (required when stdin is not a terminal)")
    .option("--dry-run", "only list what would be deleted")
    .addHelpText(
      "after",
      "\nExamples:\n  tazuna destroy --cluster dev\n  tazuna destroy --cluster dev --dry-run",
    )
    .action(async (o: { yes?: boolean; dryRun?: boolean }) => {
      const opts = globals();
      const cluster = await requireCluster(opts);
      const { stack, target, checkIdentity, kubeconfig } = await openClusterStack(
        { ...opts, writes: true },
        cluster,
      );
      const context = target.settings.context;
      await checkIdentity();
      if (o.dryRun) {
        for (const x of await installedObjects(stack))
          console.log([x.addon, x.kind, x.namespace || "-", x.name].join("\t"));
        return;
      }
      if (!o.yes) {
        if (!process.stdin.isTTY) throw new UsageError("destroy needs --yes when stdin is not a terminal");
        const typed = await confirm(
          `type the context name (${context}) to delete everything Tazuna installed: `,
        );
        if (typed !== context) throw new UsageError("context name did not match; nothing was deleted");
      }
      // Running the program re-checks context_matches before anything is deleted.
      const { destroyStack, formatDestroyed } =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("../../engine/destroy") as typeof import("../../engine/destroy");
      const done = await destroyStack(stack, { kubeconfig, context }, { runProgram: true });
      console.log(`cluster ${cluster}: ${formatDestroyed(done)}`);
    });
}
