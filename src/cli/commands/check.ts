/** `tazuna check`: validate tazuna.yaml and every stack file, without a cluster. */
import type { Command } from "commander";
import { ConfigError, formatProblem } from "../../config/errors";
import * as path from "node:path";
import { listClusters } from "../../config/stack-file";
import { EXIT } from "../../errors/exit-codes";
import { fixNames } from "../../config/fix-names";
import { loadTarget, stackFileCluster, type GlobalOptions } from "../project";

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("check")
    .description("validate tazuna.yaml and the stack files without touching a cluster")
    .option(
      "--fix",
      "first name each unnamed manifest <type>-<last path segment>, as the Go tool does (comments kept; refused with includes or templates)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  tazuna check\n  tazuna check --cluster staging\n  tazuna check --fix",
    )
    .action(async (o: { fix?: boolean }) => {
      const opts = globals();
      const dir = path.resolve(opts.project);
      if (o.fix) {
        const file = path.resolve(dir, opts.file ?? "tazuna.yaml");
        const names = await fixNames(file);
        console.log(
          names.length > 0
            ? `fixed: ${file} (named ${names.join(", ")})`
            : `ok: ${file} has no unnamed manifest`,
        );
      }
      const clusters = opts.cluster ? opts.cluster.split(",") : await listClusters(dir);
      let failed = false;
      for (const cluster of clusters.length > 0 ? clusters : [undefined]) {
        try {
          const t = await loadTarget(opts, cluster ? await stackFileCluster(opts, cluster) : undefined);
          console.log(
            `ok: ${t.declaration.file}${cluster ? ` for cluster ${cluster}` : ""}` +
              `${t.declaration.environment ? ` in environment ${t.declaration.environment}` : ""} (${t.declaration.addons.length} add-ons)`,
          );
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          failed = true;
          console.error(`${cluster ? `cluster ${cluster}: ` : ""}${err.problems.length} problem(s)`);
          for (const p of err.problems) console.error(formatProblem(p));
        }
      }
      process.exitCode = failed ? EXIT.error : EXIT.ok;
    });
}
