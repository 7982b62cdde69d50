/** The one way tests make a project: a copy of a fixture in a new temp folder, with its stack files. */
import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";

/**
 * `fixture` copied to <temp>/project, and stacks/Pulumi.<cluster>.yaml for
 * each entry of `stacks`, holding that cluster's `tazuna:` settings.
 */
export async function projectFrom(
  fixture: string,
  prefix: string,
  stacks: Record<string, Record<string, unknown>> = {},
): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), `tazuna-${prefix}-`)), "project");
  await cp(fixture, dir, { recursive: true });
  await mkdir(path.join(dir, "stacks"), { recursive: true });
  for (const [cluster, config] of Object.entries(stacks))
    await writeFile(path.join(dir, "stacks", `Pulumi.${cluster}.yaml`), stringify({ config }));
  return dir;
}
