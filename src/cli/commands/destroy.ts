/** `tazuna destroy`: remove everything the stack installed (or the tagged add-ons), dependents first, behind the guard. */
import type { Command } from "commander";
import { KILL_SWITCH, destroy, type DestroyOptions } from "../destroy-run";
import type { GlobalOptions } from "../project";
import { NO_CACHE_OPTION, OFFLINE_OPTION } from "../render-flags";
import { withReport } from "../report";

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("destroy")
    .description(
      "delete every object the stack installed (or the tagged add-ons'), in reverse dependency order",
    )
    .option("--yes", "confirm without typing the context name (required when stdin is not a terminal)")
    .option("--force", "the Go tool's name for --yes")
    .option("--dry-run", "only list what would be deleted")
    .option(
      "-t, --tags <tags>",
      "only the add-ons with one of these tags (comma-separated); refused when an add-on that stays depends on one of them",
    )
    .option(...NO_CACHE_OPTION)
    .option(...OFFLINE_OPTION)
    .addHelpText(
      "after",
      [
        "\nExamples:",
        "  tazuna destroy --cluster dev",
        "  tazuna destroy --cluster dev --dry-run",
        "  tazuna destroy --cluster dev --yes -t monitoring",
        `\n${KILL_SWITCH}: set to anything but true (1, t, true), destroy refuses before it starts (exit 1).`,
      ].join("\n"),
    )
    .action(async (o: DestroyOptions) => {
      const opts = globals();
      await withReport(
        "destroy",
        opts.cluster ?? "",
        () => destroy(opts, o),
        (changes) => ({ exitCode: 0, changes }),
      );
    });
}
