/** type: helm — `helm template` of a local chart folder or a chart in a repository. */
import * as path from "node:path";
import { toGoYaml } from "../render/yaml-out";
import { z } from "zod";
import { ApiVersionSchema, ArgumentSchema, ReleaseNameSchema } from "../config/schema";
import { addonType, missingFiles, type WithBlock } from "./contract";
import { parseObjects, withDefaultNamespace, type K8sObject } from "../kube/objects";
import { runTool } from "../render/run";
import { scratchDir } from "../process/temp";
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, readdir } from "node:fs/promises";
import { RenderError } from "../errors/render";
import { artifactCacheDir, blobDir, cacheMode, cachedDigest, rememberDigest } from "../render/artifact-cache";

const HelmSchema = z.strictObject({
  /** A chart folder (relative to the file), a chart name in `repo`, or oci://registry/repo/chart. */
  chart: ArgumentSchema.optional(),
  /** For an http:// repository or registry (helm --plain-http). */
  plainHTTP: z.boolean().optional(),
  insecureSkipTLSVerify: z.boolean().optional(),
  repo: ArgumentSchema.optional(),
  version: ArgumentSchema.optional(),
  releaseName: ReleaseNameSchema.optional(),
  valuesFiles: z.array(z.string().min(1)).optional(),
  values: z.record(z.string(), z.unknown()).optional(),
  includeCRDs: z.boolean().optional(),
  kubeVersion: ArgumentSchema.optional(),
  /** helm's --api-versions: APIs the chart may test for with .Capabilities.APIVersions.Has. */
  apiVersions: z.array(ApiVersionSchema).optional(),
});

type Helm = z.infer<typeof HelmSchema>;
type HelmAddon = WithBlock<"helm", Helm>;

/** The registry flags helm pull and template share. */
const transport = (h: Helm): string[] => [
  ...(h.plainHTTP ? ["--plain-http"] : []),
  ...(h.insecureSkipTLSVerify ? ["--insecure-skip-tls-verify"] : []),
];

/**
 * An oci:// chart at a version, from the artifact cache (the Go tool's:
 * the chart archive under blobs/<its sha256>, the reference under refs/):
 * pulled once, reused without asking the registry until --no-cache, never
 * asked for with --offline. Undefined for a chart without a version, which
 * names no fixed content: helm asks the registry for it every time.
 */
async function cachedChart(a: HelmAddon, h: Helm, chart: string): Promise<string | undefined> {
  const reference = `${chart.replace(/^oci:\/\//, "")}:${h.version ?? ""}`;
  const offline = cacheMode() === "offline";
  if (!h.version) {
    if (!offline) return undefined;
    throw new RenderError(
      a.name,
      `helm ${chart}`,
      `--offline: ${chart} has no helm.version`,
      "set helm.version, which the cache is keyed by",
    );
  }
  const cached = cacheMode() === "refresh" ? undefined : await cachedDigest(reference);
  if (cached) return chartIn(blobDir(cached));
  if (offline)
    throw new RenderError(
      a.name,
      `helm ${chart}`,
      `--offline: ${reference} is not in the artifact cache (${artifactCacheDir()})`,
      "render once without --offline where the registry answers, to fill the cache",
    );
  const tmp = await scratchDir(`chart-${a.name}`);
  try {
    await runTool({
      addon: a.name,
      command: "helm",
      args: ["pull", "--version", h.version, "--destination", tmp.path, ...transport(h), "--", chart],
      cwd: a.baseDir,
      fix: "check helm.chart, helm.version and the registry (helm.plainHTTP / insecureSkipTLSVerify)",
    });
    const archive = await chartIn(tmp.path);
    const digest = `sha256:${createHash("sha256")
      .update(await readFile(archive))
      .digest("hex")}`;
    const dir = blobDir(digest);
    await mkdir(dir, { recursive: true });
    await copyFile(archive, path.join(dir, path.basename(archive)));
    await rememberDigest(reference, digest);
    return chartIn(dir);
  } finally {
    await tmp.remove();
  }
}

async function chartIn(dir: string): Promise<string> {
  const tgz = (await readdir(dir)).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new Error(`${dir}: no chart archive (.tgz); remove the folder and render again`);
  return path.join(dir, tgz);
}

async function renderHelm(a: HelmAddon): Promise<K8sObject[]> {
  const h = a.helm ?? {};
  const oci = h.chart?.startsWith("oci://") === true;
  const cached = oci ? await cachedChart(a, h, h.chart ?? "") : undefined;
  const remote = !cached && (h.repo !== undefined || oci);
  const chart = cached ?? (remote ? (h.chart ?? "") : path.resolve(a.baseDir, h.chart ?? a.dir ?? "."));
  const tmp = await scratchDir(`helm-${a.name}`);
  try {
    const args = ["template"];
    if (h.repo) args.push("--repo", h.repo);
    if (h.version && !cached) args.push("--version", h.version);
    if (!cached) args.push(...transport(h));
    if (a.namespace) args.push("--namespace", a.namespace);
    if (h.includeCRDs !== false) args.push("--include-crds");
    if (h.kubeVersion) args.push("--kube-version", h.kubeVersion);
    for (const v of h.apiVersions ?? []) args.push("--api-versions", v);
    // Test hooks run only under `helm test`; a foundation never applies them.
    args.push("--skip-tests");
    for (const f of h.valuesFiles ?? []) args.push("--values", path.resolve(a.baseDir, f));
    if (h.values) {
      // The values may hold a stack var from a secret store.
      args.push("--values", await tmp.write("values.yaml", toGoYaml(h.values)));
    }
    // After `--`, a release name or chart path is never read as a flag.
    args.push("--", h.releaseName ?? a.name, chart);
    const out = await runTool({
      addon: a.name,
      command: "helm",
      args,
      cwd: a.baseDir,
      fix: "fix the chart or its values; run the command above to see the same error",
    });
    return withDefaultNamespace(parseObjects(out, `helm template ${chart}`), a.namespace);
  } finally {
    await tmp.remove();
  }
}

export const helm = addonType({
  name: "helm",
  field: "helm",
  block: HelmSchema,
  pathOptional: () => true,
  check: (e) => {
    missingFiles(e, ["helm", "valuesFiles"], e.block?.valuesFiles, e.rootDir);
    if (!e.block?.chart && e.path === undefined)
      e.problem(
        [],
        `add-on "${e.name}" is type helm but names no chart`,
        "add path: to a chart folder, or helm.chart with helm.repo",
      );
    return undefined;
  },
  tools: ["helm"],
  render: renderHelm,
});
