/** `tazuna chart list [--check-latest]`: the charts the declaration installs, as the Go tool lists them. */
import * as path from "node:path";
import type { Command } from "commander";
import { chartsOf } from "../../charts/list";
import { latestOf } from "../../charts/latest";
import { EXIT } from "../../errors/exit-codes";
import { formatTable, print } from "../output";
import { loadTarget, optionalCluster, type GlobalOptions } from "../project";
import { ChartListSchema, SCHEMA_VERSION, type ChartListResult } from "../results";

type Row = ChartListResult["charts"][number];

async function withLatest(rows: Row[]): Promise<Row[]> {
  return Promise.all(
    rows.map(async (r) => {
      try {
        const latest = await latestOf(r);
        return latest === undefined ? { ...r, latest: "(local)" } : { ...r, latest };
      } catch (err) {
        return { ...r, error: (err as Error).message };
      }
    }),
  );
}

function table(rows: Row[], latest: boolean, cwd: string): string {
  const head = ["CHART", "RELEASE", "FILE", "VERSION", ...(latest ? ["LATEST"] : [])];
  const cells = rows.map((r) => [
    r.chart,
    r.release,
    path.relative(cwd, r.file) || r.file,
    r.version || "-",
    ...(latest ? [r.error ? `error: ${r.error}` : (r.latest ?? "-")] : []),
  ]);
  return formatTable(head, cells);
}

export function register(program: Command, globals: () => GlobalOptions): void {
  const chart = program.command("chart").description("the helm charts the declaration installs");
  chart
    .command("list")
    .description("every chart of helm and helmfile add-ons: chart, release, file, version")
    .option(
      "--check-latest",
      "also ask each chart's repository (HTTP index.yaml, or the OCI registry's tags) for its newest version",
    )
    .addHelpText("after", "\nExamples:\n  tazuna chart list\n  tazuna chart list --check-latest -o json")
    .action(async (o: { checkLatest?: boolean }) => {
      const opts = globals();
      const t = await loadTarget(opts, await optionalCluster(opts));
      const listed = await chartsOf(t.declaration);
      const charts: Row[] = o.checkLatest ? await withLatest(listed) : listed;
      const result: ChartListResult = { schemaVersion: SCHEMA_VERSION, charts };
      if (opts.output === "json") print(JSON.stringify(ChartListSchema.parse(result)));
      else print(table(charts, o.checkLatest === true, process.cwd()));
      process.exitCode = charts.some((c) => c.error) ? EXIT.error : EXIT.ok;
    });
}
