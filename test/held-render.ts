/**
 * A render held mid-way, for tests that interrupt it: a project with one
 * helm add-on whose inline values hold a secret-like value, and a stand-in
 * helm on PATH that marks that it runs, then sleeps, holding its values file.
 */
import { chmod, mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";

export interface HeldRender {
  /** Folder of the stand-in helm: put it first on PATH. */
  bin: string;
  /** What the run gets as TMPDIR. */
  temp: string;
  project: string;
  /** Resolves once the stand-in runs (30 s at most). */
  started: () => Promise<void>;
}

export async function heldRender(prefix: string): Promise<HeldRender> {
  const root = await mkdtemp(path.join(tmpdir(), prefix));
  const [bin, temp, project] = ["bin", "temp", "project"].map((d) => path.join(root, d)) as [
    string,
    string,
    string,
  ];
  for (const d of [bin, temp, project]) await mkdir(d);
  await writeFile(path.join(bin, "helm"), `#!/bin/sh\ntouch "${bin}/started"\nexec sleep 60\n`);
  await chmod(path.join(bin, "helm"), 0o755);
  await mkdir(path.join(project, "chart"));
  await writeFile(
    path.join(project, "tazuna.yaml"),
    "spec:\n  manifests:\n    - name: app\n      type: helm\n      path: chart\n      helm: {values: {password: sentinel-in-values}}\n",
  );
  const started = async () => {
    const deadline = Date.now() + 30_000;
    while (!(await readdir(bin)).includes("started")) {
      if (Date.now() > deadline) throw new Error("the stand-in helm never started");
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { bin, temp, project, started };
}
