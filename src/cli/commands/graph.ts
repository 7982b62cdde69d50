/** `tazuna graph`: the dependency graph of add-ons as mermaid or dot. */
import type { Command } from "commander";
import { toDot, toMermaid, toSvg } from "../graph-formats";
import { UsageError } from "../errors";
import { loadTarget, optionalCluster, type GlobalOptions } from "../project";

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("graph")
    .description("print the add-on dependency graph, with types, tags and readiness")
    .option("--format <format>", "mermaid, dot or svg", "mermaid")
    .addHelpText("after", "\nExamples:\n  tazuna graph\n  tazuna graph --format svg > graph.svg")
    .action(async (o: { format: string }) => {
      const opts = globals();
      const t = await loadTarget(opts, await optionalCluster(opts));
      if (o.format === "mermaid") console.log(toMermaid(t.declaration));
      else if (o.format === "dot") console.log(toDot(t.declaration));
      else if (o.format === "svg") console.log(await toSvg(t.declaration));
      else throw new UsageError(`unknown --format ${o.format}; use mermaid, dot or svg`);
    });
}
