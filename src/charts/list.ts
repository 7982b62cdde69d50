/**
 * The charts a declaration installs (`tazuna chart list`): each helm
 * add-on's chart, and each release of each helmfile add-on as `helmfile
 * build` renders its state, with the release, the file that declares it,
 * the version, and where the chart comes from.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { parse } from "yaml";
import type { Addon } from "../addon-types";
import type { Declaration } from "../declaration/model";
import { helmfileReleases } from "../addon-types/helmfile";

export interface ChartEntry {
  addon: string;
  release: string;
  chart: string;
  file: string;
  version: string;
  /** An HTTP repository's URL, an oci:// reference, or "" for a chart folder. */
  source: string;
  plainHTTP: boolean;
}

/** A chart folder's own version, from its Chart.yaml. */
async function localVersion(dir: string): Promise<string> {
  const chart = parse(await readFile(path.join(dir, "Chart.yaml"), "utf8").catch(() => "")) as
    { version?: unknown } | undefined;
  return chart?.version === undefined ? "" : String(chart.version);
}

async function helmChart(a: Addon, file: string): Promise<ChartEntry> {
  const h = a.helm ?? {};
  const oci = h.chart?.startsWith("oci://") === true;
  const local = !oci && h.repo === undefined;
  const chart = h.chart ?? path.relative(path.dirname(file), a.dir ?? a.baseDir);
  const dir = path.resolve(a.baseDir, h.chart ?? a.dir ?? ".");
  return {
    addon: a.name,
    release: h.releaseName ?? a.name,
    chart,
    file,
    version: h.version ?? (local ? await localVersion(dir) : ""),
    source: oci ? (h.chart ?? "") : (h.repo ?? ""),
    plainHTTP: h.plainHTTP === true,
  };
}

export async function chartsOf(decl: Declaration): Promise<ChartEntry[]> {
  const out: ChartEntry[] = [];
  for (const a of decl.addons) {
    if (a.type === "helm") out.push(await helmChart(a, decl.file));
    if (a.type !== "helmfile") continue;
    for (const r of await helmfileReleases(a)) out.push({ addon: a.name, ...r, plainHTTP: false });
  }
  return out;
}
