/**
 * Commands that act on one cluster at a time (plan, apply, status, state ...).
 * With one cluster they run here; with several (--all, --cluster a,b) each
 * cluster runs in its own tazuna process (see fan-out.ts), so a crash or a
 * guard refusal in one cannot touch the others.
 */
import type { z } from "zod";
import { fanOut } from "./fan-out";
import { finalExit } from "../errors/exit-codes";
import { print } from "./output";
import { planMarkdown, type ClusterPlan } from "./markdown";
import { withReport } from "./report";
import type { Step } from "./results";
import { selectClusters, type GlobalOptions } from "./project";

export interface ClusterCommand<R> {
  /** The command path as typed, for the summary: "plan", "state drift". */
  name: string;
  /** The JSON document a cluster's process prints; checks what comes back from it. */
  schema: z.ZodType<R>;
  run: (opts: GlobalOptions, cluster: string) => Promise<R>;
  /** The human rendering of a result, for stdout. */
  format: (r: R) => string;
  /** One line for the summary table. */
  summarize: (r: R) => string;
  /** The exit code as --detailed-exitcode has it (2: changes found); finalExit maps it. */
  exitOf: (r: R) => number;
  /** Asked once before a run over several clusters (apply); throws to stop it. */
  beforeFanOut?: (opts: GlobalOptions, clusters: string[]) => Promise<void>;
  /** Extra arguments for each cluster's process, e.g. --yes once the user confirmed. */
  childArgs?: string[];
  /** The objects a result changed or would change, for --report. */
  changesOf?: (r: R) => Step[];
  /** The result as a plan for people (-o markdown); only commands that plan have one. */
  planOf?: (r: R) => ClusterPlan;
}

export async function runPerCluster<R>(opts: GlobalOptions, cmd: ClusterCommand<R>): Promise<void> {
  const clusters = await selectClusters(opts);
  if (clusters.length > 1 || opts.all) {
    await cmd.beforeFanOut?.(opts, clusters);
    process.exitCode = await fanOut(opts, cmd, clusters);
    return;
  }
  const [cluster] = clusters as [string];
  const result = await withReport(
    cmd.name,
    cluster,
    () => cmd.run(opts, cluster),
    (r) => ({ exitCode: cmd.exitOf(r), changes: cmd.changesOf?.(r) ?? [] }),
  );
  if (opts.output === "markdown" && cmd.planOf) print(planMarkdown([cmd.planOf(result)]));
  else print(opts.output === "json" ? JSON.stringify(result) : cmd.format(result));
  process.exitCode = finalExit(cmd.exitOf(result), opts.detailedExitcode);
}
