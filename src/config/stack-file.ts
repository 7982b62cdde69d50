/** Loads stacks/Pulumi.<cluster>.yaml, validating Tazuna's keys with file, field and line. */
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { Document, parseDocument } from "yaml";
import * as path from "node:path";
import { z } from "zod";
import { ConfigError, type ConfigProblem } from "./errors";
import { zodProblems } from "./issues";
import { parseYamlFile, problemAt } from "./parse";
import { StackSettingsSchema, type StackSettings } from "./settings";
import { didYouMean } from "./suggest";

const StackFileSchema = z
  .object({
    config: z.record(z.string(), z.unknown()).optional(),
    encryptionsalt: z.string().optional(),
    secretsprovider: z.string().optional(),
    encryptedkey: z.string().optional(),
  })
  .loose();

export function stackFilePath(projectDir: string, cluster: string): string {
  return path.join(projectDir, "stacks", `Pulumi.${cluster}.yaml`);
}

/** The stack file's name as every message gives it, relative to the project folder. */
export function stackFileLabel(cluster: string): string {
  return `stacks/Pulumi.${cluster}.yaml`;
}

/** The clusters that have a stack file, in name order. */
export async function listClusters(projectDir: string): Promise<string[]> {
  const files = await readdir(path.join(projectDir, "stacks")).catch(() => [] as string[]);
  return files
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((c): c is string => c !== undefined)
    .sort();
}

export async function loadStackSettings(projectDir: string, cluster: string): Promise<StackSettings> {
  const file = stackFilePath(projectDir, cluster);
  const problems: ConfigProblem[] = [];
  const parsed = await parseYamlFile(file, problems);
  if (!parsed) {
    if (problems[0]?.message === "file not found") {
      problems[0].fix = `create it with tazuna init, or pick one of the stacks in ${path.dirname(file)}`;
    }
    throw new ConfigError(problems);
  }
  const top = StackFileSchema.safeParse(parsed.data ?? {});
  if (!top.success) throw new ConfigError(zodProblems(parsed, top.error.issues, () => []));
  const config = top.data.config ?? {};
  const known = Object.keys(StackSettingsSchema.shape);
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!key.startsWith("tazuna:")) continue;
    const name = key.slice("tazuna:".length);
    if (!known.includes(name)) {
      const hint = didYouMean(name, known);
      problems.push(
        problemAt(
          { file },
          ["config", key],
          `unknown setting "${key}"`,
          hint
            ? `did you mean "tazuna:${hint}"?`
            : `use one of: ${known.map((k) => `tazuna:${k}`).join(", ")}`,
        ),
      );
    }
    raw[name] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const res = StackSettingsSchema.safeParse(raw);
  if (!res.success) {
    const issues = res.error.issues.map((i) => ({
      ...i,
      path: [`tazuna:${String(i.path[0] ?? "")}`, ...i.path.slice(1)],
    }));
    throw new ConfigError(zodProblems(parsed, issues, () => [], ["config"]));
  }
  return res.data;
}

/**
 * Sets one `tazuna:` key in a cluster's stack file, comments and layout
 * kept; a stack without a file (a folder run on the kubeconfig alone) gets
 * one holding what it ran with. Returns whether the file changed.
 */
export async function writeSetting(
  projectDir: string,
  cluster: string,
  base: Record<string, string>,
  key: string,
  value: string | boolean,
): Promise<boolean> {
  const file = stackFilePath(projectDir, cluster);
  const doc = existsSync(file)
    ? parseDocument(await readFile(file, "utf8"))
    : new Document({ config: Object.fromEntries(Object.entries(base).map(([k, v]) => [`tazuna:${k}`, v])) });
  if (doc.getIn(["config", `tazuna:${key}`]) === value) return false;
  doc.setIn(["config", `tazuna:${key}`], value);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, doc.toString());
  return true;
}
