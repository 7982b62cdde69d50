/**
 * `--report FILE.html`: what a run did, as one self-contained page (report-html.ts).
 * While the command runs, every process of the run records its spans in a
 * file (trace/span-file.ts); at the end the command adds what it knows (the
 * add-ons, the guard's view, the changes, the exit code) and writes the page.
 * A fan-out's children write their part as JSON (`--report X.json`); the
 * parent puts them on one page with a row per cluster.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { scrub } from "../process/scrub";
import { RecordedSpanSchema, SPAN_FILE_ENV, readSpans } from "../trace/span-file";
import { StepSchema } from "./results";
import { UsageError } from "./errors";
import { exitCodeOf } from "../errors/tazuna-error";
import type { Target } from "./project";

export const ReportSchema = z.object({
  command: z.string(),
  cluster: z.string(),
  exitCode: z.number(),
  startedAt: z.number(),
  endedAt: z.number(),
  addons: z.array(z.object({ name: z.string(), type: z.string(), dependsOn: z.array(z.string()) })),
  guard: z
    .object({
      context: z.string(),
      patterns: z.array(z.string()),
      mode: z.string(),
      field: z.string(),
      pinnedUid: z.string().optional(),
    })
    .optional(),
  /** Why the guard did not run (verify: a throwaway cluster of its own). */
  guardSkipped: z.string().optional(),
  changes: z.array(StepSchema),
  spans: z.array(RecordedSpanSchema),
  error: z.string().optional(),
});
export type Report = z.infer<typeof ReportSchema>;

/** The commands that take --report. */
export const REPORTING = ["plan", "apply", "destroy", "verify"];

interface Recording {
  command: string;
  file: string;
  dir: string;
  /** Where this run's processes record their spans (trace/span-file.ts). */
  spans: string;
  startedAt: number;
  target?: Target;
  guardSkipped?: string;
}

let recording: Recording | undefined;

/** Checks --report and starts recording this process's run. */
export function startReport(command: string, file: string | undefined): void {
  if (!file) return;
  if (!REPORTING.includes(command))
    throw new UsageError(
      `tazuna ${command} has no --report\n  fix: use --report with ${REPORTING.join(", ")}`,
    );
  if (!/\.(html|json)$/.test(file))
    throw new UsageError(`--report ${file}: the page is HTML\n  fix: name the file FILE.html`);
  const dir = mkdtempSync(path.join(tmpdir(), "tazuna-report-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const spans = path.join(dir, "spans.jsonl");
  recording = { command, file: path.resolve(file), dir, spans, startedAt: Date.now() };
  process.env[SPAN_FILE_ENV] = spans;
}

/** What the command loaded: the add-ons and the guard's settings, for the page; `guardSkipped` says why no guard ran. */
export function noteTarget(target: Target, guardSkipped?: string): void {
  if (!recording) return;
  recording.target = target;
  if (guardSkipped) recording.guardSkipped = guardSkipped;
}

function guardOf(t: Target): Report["guard"] {
  return {
    context: t.settings.context,
    patterns: t.declaration.contextMatches,
    mode: t.declaration.matchMode,
    field: t.declaration.guardField,
    ...(t.settings.clusterUid ? { pinnedUid: t.settings.clusterUid } : {}),
  };
}

/** This process's part: everything it and its engine's processes recorded. */
function reportOf(
  command: string,
  cluster: string,
  exitCode: number,
  changes: Report["changes"],
  error?: unknown,
): Report {
  const r = recording as Recording;
  const t = r.target;
  return {
    command,
    cluster,
    exitCode,
    startedAt: r.startedAt,
    endedAt: Date.now(),
    addons: (t?.declaration.addons ?? []).map((a) => ({
      name: a.name,
      type: a.type,
      dependsOn: [...a.dependsOn],
    })),
    ...(r.guardSkipped ? { guardSkipped: r.guardSkipped } : t ? { guard: guardOf(t) } : {}),
    changes,
    spans: readSpans(r.spans),
    ...(error !== undefined ? { error: scrub(error instanceof Error ? error.message : String(error)) } : {}),
  };
}

/** Writes the page (or, for a fan-out's child, its JSON part). */
export async function writeReport(
  command: string,
  cluster: string,
  exitCode: number,
  changes: Report["changes"],
  error?: unknown,
): Promise<void> {
  if (!recording) return;
  const report = reportOf(command, cluster, exitCode, changes, error);
  await writeReports([report], recording.file);
}

/** Several clusters' parts on one page (a fan-out's children each wrote one). */
export async function writeReports(reports: Report[], file: string): Promise<void> {
  if (file.endsWith(".json")) {
    writeFileSync(file, JSON.stringify(reports[0]), { mode: 0o600 });
    return;
  }
  // Loaded on use: Graphviz (WebAssembly) draws the add-on graph.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { reportHtml } = require("./report-html") as typeof import("./report-html");
  writeFileSync(file, await reportHtml(reports), { mode: 0o600 });
}

/** A child's part, read back; undefined when the child wrote none (it died first). */
export function readPart(file: string): Report | undefined {
  try {
    const ok = ReportSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return ok.success ? ok.data : undefined;
  } catch {
    return undefined;
  }
}

/** Where a fan-out's child writes its part (only for the command the page is for: apply's plan round has none). */
export function reportPart(command: string, cluster: string): string | undefined {
  if (!recording || recording.command !== command) return undefined;
  return path.join(recording.dir, `part-${cluster}.json`);
}

/** The fan-out's page: each cluster's part, or what is known of a cluster whose process wrote none. */
export async function writeFleetReport(
  command: string,
  outcomes: { cluster: string; exitCode: number; error?: string | undefined }[],
): Promise<void> {
  if (!recording || recording.command !== command) return;
  const r = recording;
  const reports = outcomes.map(
    (o): Report =>
      readPart(path.join(r.dir, `part-${o.cluster}.json`)) ?? {
        command,
        cluster: o.cluster,
        exitCode: o.exitCode,
        startedAt: r.startedAt,
        endedAt: Date.now(),
        addons: [],
        changes: [],
        spans: [],
        error: o.error ?? "the cluster's process wrote no report",
      },
  );
  await writeReports(reports, r.file);
}

/**
 * Runs one cluster's command and, with --report, writes its page (or part)
 * whether it succeeded or failed: a refused or broken run is worth a page too.
 */
export async function withReport<T>(
  command: string,
  cluster: string,
  run: () => Promise<T>,
  outcome: (result: T) => { exitCode: number; changes: Report["changes"] },
): Promise<T> {
  if (!recording) return run();
  let result: T;
  try {
    result = await run();
  } catch (err) {
    await writeReport(command, cluster, exitCodeOf(err), [], err);
    throw err;
  }
  const { exitCode, changes } = outcome(result);
  await writeReport(command, cluster, exitCode, changes);
  return result;
}
