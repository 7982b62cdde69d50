/**
 * One command over several clusters: each cluster in its own tazuna process
 * (`--cluster X --output json`), at most --concurrency at a time. Their logs
 * stream to stderr prefixed with the cluster; their results print in cluster
 * order, then one summary table. A failing cluster never stops the others.
 */
import { createInterface } from "node:readline";
import { execa } from "../process/exec";
import { TRACE_LINK_ENV, inSpan } from "../trace/tracing";
import pLimit from "p-limit";
import { ErrorSchema, FanOutSchema, SCHEMA_VERSION, type FanOutResult } from "./results";
import { EXIT, combinedExit, finalExit } from "../errors/exit-codes";
import { deferSignals } from "../process/temp";
import { formatTable, log, paint, print } from "./output";
import { planMarkdown, type ClusterPlan } from "./markdown";
import { reportPart, writeFleetReport } from "./report";
import type { ClusterCommand } from "./per-cluster";
import type { GlobalOptions } from "./project";

export const DEFAULT_CONCURRENCY = 4;

export type Outcome = FanOutResult["clusters"][number];

/** Options that pick clusters or the output format belong to the parent, not to each cluster's run. */
const PARENT_OPTIONS = new Set(["-c", "--cluster", "-o", "--output", "--concurrency", "--report"]);

export function childArgv(argv: string[], cluster: string, extra: string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const flag = arg.split("=")[0] as string;
    if (arg === "--all") continue;
    if (PARENT_OPTIONS.has(flag)) {
      if (!arg.includes("=")) i++;
      continue;
    }
    out.push(arg);
  }
  return [...out, ...extra, "--cluster", cluster, "--output", "json"];
}

const running = new Set<{ kill: (signal: NodeJS.Signals) => boolean }>();

/**
 * A terminal's Ctrl-C reaches every cluster's process (one process group), and
 * each stops at its own safe point; the parent waits for them and still
 * prints the summary. SIGTERM reaches only the parent, so it is passed on.
 */
function waitForClustersOnSignals(): () => void {
  const onInt = () => log("SIGINT: each cluster stops at a safe point; waiting for them");
  const onTerm = () => {
    log("SIGTERM: passing it on to each cluster; waiting for them");
    for (const c of running) c.kill("SIGTERM");
  };
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  const undefer = deferSignals();
  return () => {
    undefer();
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  };
}

/** The global options as arguments, for running another command over the same clusters (plan before apply). */
export function globalArgv(opts: GlobalOptions): string[] {
  const pairs: [string, string | undefined][] = [
    ["--project", opts.project],
    ["--file", opts.file],
    ["--backend", opts.backend],
    ["--kubeconfig", opts.kubeconfig],
    ["--project-name", opts.projectName],
    ["--environment", opts.environment],
  ];
  const repeated = [
    ...(opts.var ?? []).flatMap((v) => ["--var", v]),
    ...(opts.varFile ?? []).flatMap((f) => ["--var-file", f]),
  ];
  const switches = opts.allowAnyContext ? ["--allow-any-context"] : [];
  return [
    ...pairs.flatMap(([flag, value]) => (value === undefined ? [] : [flag, value])),
    ...repeated,
    ...switches,
  ];
}

async function runOne<R>(
  cmd: ClusterCommand<R>,
  cluster: string,
  width: number,
  argv: string[],
): Promise<Outcome> {
  return inSpan(`cluster ${cluster}`, { "tazuna.cluster": cluster }, async (span) => {
    // With --report, each cluster's process writes its part beside the page; the parent joins them.
    const part = reportPart(cmd.name, cluster);
    const outcome = await runChild(
      cmd,
      cluster,
      width,
      argv,
      span.traceparent(),
      part ? ["--report", part] : [],
    );
    span.set({ "tazuna.exit_code": outcome.exitCode });
    return outcome;
  });
}

async function runChild<R>(
  cmd: ClusterCommand<R>,
  cluster: string,
  width: number,
  argv: string[],
  traceLink: string | undefined,
  extra: string[],
): Promise<Outcome> {
  const started = Date.now();
  const child = execa(
    process.execPath,
    // Each cluster's process tells changes (2) from none (0); the parent's flag decides what it exits with.
    [
      process.argv[1] as string,
      ...childArgv(argv, cluster, [...(cmd.childArgs ?? []), ...extra, "--detailed-exitcode"]),
    ],
    { reject: false, stdin: "ignore", ...(traceLink ? { env: { [TRACE_LINK_ENV]: traceLink } } : {}) },
  );
  const prefix = paint.dim(`${cluster.padEnd(width)} │ `);
  if (child.stderr) createInterface({ input: child.stderr }).on("line", (l) => log(`${prefix}${l}`));
  running.add(child);
  const res = await child.finally(() => running.delete(child));
  const base = {
    cluster,
    exitCode: res.exitCode ?? EXIT.error,
    elapsedMs: Date.now() - started,
    startedAt: started,
  };
  let doc: unknown;
  try {
    doc = JSON.parse(res.stdout);
  } catch {
    return {
      ...base,
      exitCode: base.exitCode || EXIT.error,
      summary: "failed",
      error: `no result (exit ${res.exitCode ?? res.signal})`,
    };
  }
  const failed = ErrorSchema.safeParse(doc);
  if (failed.success) return { ...base, summary: "failed", error: failed.data.error.message };
  const ok = cmd.schema.safeParse(doc);
  if (!ok.success)
    return { ...base, exitCode: EXIT.error, summary: "failed", error: "unexpected result document" };
  return { ...base, summary: cmd.summarize(ok.data), result: ok.data };
}

/** A result read back from a job's file may not say how long it took (startedAt 0). */
const took = (r: Outcome) =>
  r.startedAt === 0 && r.elapsedMs === 0 ? "-" : `${(r.elapsedMs / 1000).toFixed(1)}s`;

function table(rows: Outcome[]): string {
  const head = ["CLUSTER", "RESULT", "EXIT", "TIME", "SUMMARY"];
  const cells = rows.map((r) => [
    r.cluster,
    r.error ? "failed" : r.exitCode === EXIT.changes ? "changes" : "ok",
    String(r.exitCode),
    took(r),
    r.error ? (r.error.split("\n")[0] ?? "") : r.summary,
  ]);
  return formatTable(head, cells);
}

export async function fanOut<R>(
  opts: GlobalOptions,
  cmd: ClusterCommand<R>,
  clusters: string[],
  /** The command line each cluster's process gets (less the cluster and output options). */
  argv: string[] = process.argv.slice(2),
): Promise<number> {
  const limit = pLimit(Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY));
  const width = Math.max(...clusters.map((c) => c.length));
  log(
    paint.bold(
      `${cmd.name}: ${clusters.length} clusters, ${opts.concurrency ?? DEFAULT_CONCURRENCY} at a time`,
    ),
  );
  const release = waitForClustersOnSignals();
  const outcomes = await Promise.all(clusters.map((c) => limit(() => runOne(cmd, c, width, argv)))).finally(
    release,
  );
  await writeFleetReport(cmd.name, outcomes);
  const parsed = (o: Outcome) => (o.result === undefined ? undefined : cmd.schema.safeParse(o.result));
  return report(
    opts,
    cmd.name,
    outcomes,
    (o) => {
      const ok = parsed(o);
      return ok?.success ? cmd.format(ok.data) : undefined;
    },
    (o) => {
      const ok = parsed(o);
      return ok?.success && cmd.planOf ? cmd.planOf(ok.data) : undefined;
    },
  );
}

/**
 * The end of a run over several clusters, also what `tazuna summary` prints
 * for results gathered from separate jobs: each cluster's result (or its
 * error), then one table; or the fan-out document. Returns the exit code.
 */
export function report(
  opts: Pick<GlobalOptions, "output" | "detailedExitcode">,
  command: string,
  outcomes: Outcome[],
  format: (o: Outcome) => string | undefined,
  /** A cluster's result as a plan for people (-o markdown). */
  planOf: (o: Outcome) => ClusterPlan | undefined = () => undefined,
): number {
  // Each row keeps its cluster's detailed code (2: changes); the whole exits as the flag says.
  const exitCode = finalExit(combinedExit(outcomes.map((o) => o.exitCode)), opts.detailedExitcode);
  if (opts.output === "markdown") {
    const failed = (o: Outcome): ClusterPlan => ({
      cluster: o.cluster,
      error: o.error ?? "no plan in its result",
    });
    print(planMarkdown(outcomes.map((o) => planOf(o) ?? failed(o))).trimEnd());
    return exitCode;
  }
  if (opts.output === "json") {
    const doc: FanOutResult = { schemaVersion: SCHEMA_VERSION, command, exitCode, clusters: outcomes };
    print(JSON.stringify(FanOutSchema.parse(doc)));
    return exitCode;
  }
  for (const o of outcomes)
    print(format(o) ?? `cluster ${o.cluster}: failed\n  ${(o.error ?? "").replace(/\n/g, "\n  ")}`);
  print(`\n${table(outcomes)}`);
  return exitCode;
}
