/**
 * The newest version a chart repository offers (`chart list
 * --check-latest`): an HTTP repository's index.yaml, or an OCI
 * repository's tags (through oras), newest by semver; pre-releases only
 * when nothing else is there, as `helm search repo` leaves them out.
 */
import semver from "semver";
import { parse } from "yaml";
import { z } from "zod";
import { execa } from "../process/exec";
import type { ChartEntry } from "./list";
import { TazunaError } from "../errors/tazuna-error";

const IndexSchema = z.object({
  entries: z.record(z.string(), z.array(z.object({ version: z.union([z.string(), z.number()]) }).loose())),
});

export class LatestError extends TazunaError {
  constructor(where: string, why: string) {
    super(`${where}: ${why}`);
  }
}

function newest(versions: readonly string[]): string | undefined {
  const valid = versions.filter((v) => semver.valid(v, { loose: true }));
  const stable = valid.filter((v) => !semver.prerelease(v, { loose: true }));
  return semver.rsort([...(stable.length > 0 ? stable : valid)], { loose: true })[0];
}

async function fromIndex(repo: string, chart: string): Promise<string | undefined> {
  const url = `${repo.replace(/\/+$/, "")}/index.yaml`;
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch((err: Error) => {
    throw new LatestError(url, err.cause instanceof Error ? err.cause.message : err.message);
  });
  if (!res.ok) throw new LatestError(url, `HTTP ${res.status}`);
  const index = IndexSchema.safeParse(parse(await res.text()));
  if (!index.success) throw new LatestError(url, "not a chart repository index (no entries)");
  const name = chart.split("/").pop() ?? chart;
  return newest((index.data.entries[name] ?? []).map((e) => String(e.version)));
}

async function fromTags(reference: string, plainHTTP: boolean): Promise<string | undefined> {
  const repo = reference.replace(/^oci:\/\//, "");
  const res = await execa("oras", ["repo", "tags", ...(plainHTTP ? ["--plain-http"] : []), "--", repo], {
    reject: false,
    timeout: 60_000,
  });
  if (res.exitCode !== 0)
    throw new LatestError(
      reference,
      (res.stderr || res.message || "oras repo tags failed").trim().split("\n").pop() ?? "",
    );
  // OCI tags cannot hold "+": helm pushes 1.0.0+build as 1.0.0_build.
  return newest(
    res.stdout
      .split("\n")
      .filter(Boolean)
      .map((t) => t.replace(/_/g, "+")),
  );
}

/** The newest version of an entry's chart; undefined for a chart folder (nothing to ask). */
export async function latestOf(c: ChartEntry): Promise<string | undefined> {
  if (c.source === "") return undefined;
  if (c.source.startsWith("oci://")) return fromTags(c.source, c.plainHTTP);
  return fromIndex(c.source, c.chart);
}
