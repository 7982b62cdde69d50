/**
 * The results a fleet's CI jobs wrote (`--output json`, one job per cluster
 * or group), read back for `tazuna summary`: each file as rows of the one
 * table `--all` prints, a mix of commands or a cluster twice refused.
 */
import { readFile } from "node:fs/promises";
import { EXIT } from "../errors/exit-codes";
import { UsageError } from "./errors";
import type { Outcome } from "./fan-out";
import type { ClusterPlan } from "./markdown";
import type { ClusterCommand } from "./per-cluster";
import { selectClusters, type GlobalOptions } from "./project";
import { ErrorSchema, FanOutSchema } from "./results";

export interface Reader {
  command: string;
  /** A single-cluster document of this command as a summary row, if it is one. */
  read: (doc: unknown) => Outcome | undefined;
  format: (result: unknown) => string | undefined;
  /** A result as a plan for people (-o markdown), for a command that plans. */
  plan: (result: unknown) => ClusterPlan | undefined;
}

export function readerOf<R>(cmd: ClusterCommand<R>): Reader {
  return {
    command: cmd.name,
    read: (doc) => {
      const ok = cmd.schema.safeParse(doc);
      if (!ok.success) return undefined;
      const r = ok.data as R & { cluster: string; elapsedMs?: number };
      // startedAt 0: the document does not say when it started (only apply times itself).
      return {
        cluster: r.cluster,
        exitCode: cmd.exitOf(ok.data),
        elapsedMs: r.elapsedMs ?? 0,
        startedAt: 0,
        summary: cmd.summarize(ok.data),
        result: doc,
      };
    },
    format: (result) => {
      const ok = cmd.schema.safeParse(result);
      return ok.success ? cmd.format(ok.data) : undefined;
    },
    plan: (result) => {
      const ok = cmd.schema.safeParse(result);
      return ok.success && cmd.planOf ? cmd.planOf(ok.data) : undefined;
    },
  };
}

interface Read {
  file: string;
  command?: string;
  outcomes: Outcome[];
}

export async function readResult(file: string, readers: readonly Reader[]): Promise<Read> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new UsageError(
      `${file}: not a result document (${(err as Error).message})\n  fix: pass the files the jobs wrote with --output json`,
    );
  }
  const fan = FanOutSchema.safeParse(doc);
  if (fan.success) return { file, command: fan.data.command, outcomes: fan.data.clusters };
  const failed = ErrorSchema.safeParse(doc);
  if (failed.success) {
    const { cluster, error } = failed.data;
    if (!cluster)
      throw new UsageError(
        `${file}: an error document that names no cluster\n  fix: run each job with --cluster NAME --output json`,
      );
    const row = { cluster, exitCode: error.exitCode, elapsedMs: 0, startedAt: 0, summary: "failed" };
    return { file, outcomes: [{ ...row, error: error.message }] };
  }
  for (const r of readers) {
    const outcome = r.read(doc);
    if (outcome) return { file, command: r.command, outcomes: [outcome] };
  }
  throw new UsageError(
    `${file}: not a result of plan, apply, status or state list|diff|drift (schemaVersion 1)\n  fix: pass the files the jobs wrote with --output json`,
  );
}

/** The one command the files are results of; refuses a mix. */
export function commandOf(reads: Read[]): string {
  const named = [...new Set(reads.flatMap((r) => (r.command ? [r.command] : [])))];
  if (named.length > 1)
    throw new UsageError(
      `the files hold results of different commands (${named.join(", ")})\n  fix: summarize one command's results at a time`,
    );
  return named[0] ?? "apply";
}

/** Each cluster once; a cluster in two files is an error naming both. */
export function rowsOf(reads: Read[]): Outcome[] {
  const from = new Map<string, string>();
  for (const r of reads)
    for (const o of r.outcomes) {
      const earlier = from.get(o.cluster);
      if (earlier)
        throw new UsageError(
          `cluster ${o.cluster} has a result in both ${earlier} and ${r.file}\n  fix: pass each job's file once (one job per cluster or group)`,
        );
      from.set(o.cluster, r.file);
    }
  return reads.flatMap((r) => r.outcomes);
}

/** With --all: every stack file's cluster has a row; a job that wrote nothing is a failure. */
export async function withMissing(opts: GlobalOptions, rows: Outcome[]): Promise<Outcome[]> {
  if (!opts.all) return rows;
  const have = new Set(rows.map((r) => r.cluster));
  const missing = (await selectClusters(opts)).filter((c) => !have.has(c));
  return [
    ...rows,
    ...missing.map((cluster) => ({
      cluster,
      exitCode: EXIT.error,
      elapsedMs: 0,
      startedAt: 0,
      summary: "failed",
      error: "no result: none of the files has this cluster (did its job run and upload its file?)",
    })),
  ];
}
