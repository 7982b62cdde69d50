/** type: manifests — plain YAML or JSON files, or every such file in a folder. */
import { readFile, readdir, stat } from "node:fs/promises";
import * as path from "node:path";
import { z } from "zod";
import { addonType, missingFiles, type WithBlock } from "./contract";
import { RenderError } from "../errors/render";
import { parseObjects, withDefaultNamespace, type K8sObject } from "../kube/objects";

const MANIFEST_FILE = /\.(ya?ml|json)$/;

async function filesUnder(p: string, recursive: boolean): Promise<string[]> {
  if (!(await stat(p)).isDirectory()) return [p];
  const entries = await readdir(p, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((x, y) => x.name.localeCompare(y.name))) {
    const full = path.join(p, e.name);
    if (e.isDirectory()) {
      if (recursive) out.push(...(await filesUnder(full, true)));
    } else if (MANIFEST_FILE.test(e.name)) out.push(full);
  }
  return out;
}

const ManifestsSchema = z.strictObject({
  /** Files or folders, relative to `path` when given, else to the file. */
  files: z.array(z.string().min(1)).min(1).optional(),
  recursive: z.boolean().optional(),
});

async function renderManifests(
  a: WithBlock<"manifests", z.infer<typeof ManifestsSchema>>,
): Promise<K8sObject[]> {
  const base = a.dir ?? a.baseDir;
  const roots = a.manifests?.files?.map((f) => path.resolve(base, f)) ?? [base];
  const objs: K8sObject[] = [];
  for (const root of roots) {
    let files: string[];
    try {
      files = await filesUnder(root, a.manifests?.recursive ?? false);
    } catch {
      throw new RenderError(
        a.name,
        `read ${root}`,
        `${root}: no such file or folder`,
        "fix manifests.files or path",
      );
    }
    for (const f of files) {
      try {
        objs.push(...parseObjects(await readFile(f, "utf8"), f));
      } catch (err) {
        throw new RenderError(a.name, `read ${f}`, (err as Error).message, `fix ${f}`);
      }
    }
  }
  return withDefaultNamespace(objs, a.namespace);
}

export const manifests = addonType({
  name: "manifests",
  field: "manifests",
  block: ManifestsSchema,
  pathOptional: (block) => block?.files !== undefined,
  check: (e) => {
    missingFiles(e, ["manifests", "files"], e.block?.files, e.dir ?? e.rootDir);
    return undefined;
  },
  tools: [],
  render: renderManifests,
});
