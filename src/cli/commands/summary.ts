/**
 * `tazuna summary FILE...`: a fleet split across CI jobs (one job per cluster
 * or per group, each writing its `--output json` document) brought back into
 * the one result and table `--all` prints, with the same exit code.
 */
import type { Command } from "commander";
import { UsageError } from "../errors";
import { report, type Outcome } from "../fan-out";
import type { ClusterCommand } from "../per-cluster";
import type { GlobalOptions } from "../project";
import { commandOf, readResult, readerOf, rowsOf, withMissing } from "../job-results";
import { applyCommand } from "./apply";
import { planCommand } from "./plan";
import { diffCommand, driftCommand, listCommand } from "./state";
import { statusCommand } from "./status";

// Apply first: a plan document's fields are a subset of an apply's.
const READERS = [applyCommand({}), planCommand, driftCommand, diffCommand, statusCommand, listCommand].map(
  (c) => readerOf(c as ClusterCommand<unknown>),
);

export async function summarize(opts: GlobalOptions, files: string[]): Promise<number> {
  const reads = await Promise.all(files.map((f) => readResult(f, READERS)));
  const command = commandOf(reads);
  const rows = (await withMissing(opts, rowsOf(reads))).sort((a, b) => a.cluster.localeCompare(b.cluster));
  const reader = READERS.find((r) => r.command === command);
  if (opts.output === "markdown" && command !== "plan")
    throw new UsageError(
      `-o markdown writes plans; these are results of ${command}\n  fix: summarize plan results with -o markdown, others with -o text or json`,
    );
  const result = (o: Outcome) => o.result;
  return report(
    opts,
    command,
    rows,
    (o) => (result(o) === undefined ? undefined : reader?.format(result(o))),
    (o) => (result(o) === undefined ? undefined : reader?.plan(result(o))),
  );
}

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("summary")
    .argument("<files...>", "result documents the jobs wrote with --output json")
    .description(
      "merge the --output json results of a fleet split across CI jobs into the table --all prints, with its exit code",
    )
    .addHelpText(
      "after",
      [
        "\nEach file is what one job printed: `--cluster X --output json` (one cluster) or",
        "`--cluster a,b --output json` (a group). With --all, a stack file's cluster that no file",
        "has is a failure (its job did not run or did not upload its result).",
        "\nExamples:",
        "  tazuna summary results/*.json",
        "  tazuna summary --all --output json results/*.json > fleet.json",
        "  tazuna summary --output markdown results/*.json > plan.md   # plan results, as a pull-request comment",
      ].join("\n"),
    )
    .action(async (files: string[]) => {
      process.exitCode = await summarize(globals(), files);
    });
}
