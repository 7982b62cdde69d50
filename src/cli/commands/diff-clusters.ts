/** `tazuna diff-clusters A B`: how two clusters of the same role differ, in what they declare and in what they run. */
import type { Command } from "commander";
import { renderAll } from "../../addon-types";
import { compareObjects, placedLive, placedRender, type ObjectDiff } from "../../live/compare";
import { installedObjects } from "../../state/inventory";
import { EXIT, finalExit } from "../../errors/exit-codes";
import { print } from "../output";
import type { GlobalOptions } from "../project";
import { ClusterDiffSchema, SCHEMA_VERSION, type ClusterDiffResult } from "../results";
import { openClusterStack } from "../cluster-stack";

async function sides(opts: GlobalOptions, cluster: string) {
  const { stack, target, kubeconfig, checkIdentity } = await openClusterStack(opts, cluster);
  const declared = placedRender(await renderAll(target.declaration.addons));
  await checkIdentity();
  const live = await placedLive(kubeconfig, target.settings.context, await installedObjects(stack));
  return { declared, live };
}

function section(title: string, rows: ObjectDiff[], a: string, b: string): string[] {
  if (rows.length === 0) return [`${title}: same`];
  const where = (r: ObjectDiff) => (r.only === "both" ? "differs" : `only ${r.only === "a" ? a : b}`);
  return [
    `${title}: ${rows.length} difference(s)`,
    ...rows.map(
      (r) =>
        `  ${where(r).padEnd(12)} ${r.addon || "-"}  ${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}` +
        (r.fields.length > 0 ? `  (${r.fields.join(", ")})` : ""),
    ),
  ];
}

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("diff-clusters")
    .argument("<a>", "a cluster (stack)")
    .argument("<b>", "another cluster of the same role")
    .description(
      "compare two clusters: the objects each declares (with its own vars) and each runs (exit 2 on differences with --detailed-exitcode)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  tazuna diff-clusters staging production\n  tazuna diff-clusters tokyo-1 tokyo-2 -o json",
    )
    .action(async (a: string, b: string) => {
      const opts = globals();
      const [x, y] = await Promise.all([sides(opts, a), sides(opts, b)]);
      const result: ClusterDiffResult = {
        schemaVersion: SCHEMA_VERSION,
        clusters: [a, b],
        declared: compareObjects(x.declared, y.declared),
        live: compareObjects(x.live, y.live),
      };
      if (opts.output === "json") print(JSON.stringify(ClusterDiffSchema.parse(result)));
      else
        print(
          [
            `clusters ${a} and ${b}`,
            ...section("declared", result.declared, a, b),
            ...section("live", result.live, a, b),
          ].join("\n"),
        );
      process.exitCode = finalExit(
        result.declared.length + result.live.length > 0 ? EXIT.changes : EXIT.ok,
        opts.detailedExitcode,
      );
    });
}
