/**
 * Temp files that may hold a secret: 0600 in a 0700 folder, and gone after
 * success, error, Ctrl-C and SIGTERM. The interrupt is tested on the built
 * CLI's `build` with a stand-in helm that waits, holding its values file.
 */
import { strict as assert } from "node:assert";
import { chmod, mkdir, mkdtemp, readdir, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { scratchDir } from "../../src/temp";

const BIN = path.resolve(__dirname, "../../dist/cli/bin.js"); // npm test builds it first

describe("scratch files", function () {
  this.timeout(60_000);

  it("a scratch folder is 0700, its files 0600 and exclusive, and remove() takes all", async () => {
    const s = await scratchDir("test");
    assert.equal((await stat(s.path)).mode & 0o777, 0o700);
    const f = await s.write("values.yaml", "password: x\n");
    assert.equal((await stat(f)).mode & 0o777, 0o600);
    await assert.rejects(s.write("values.yaml", "again"), /EEXIST/);
    await s.remove();
    await assert.rejects(stat(s.path), /ENOENT/);
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const)
    it(`build interrupted by ${signal} mid-render leaves nothing: no values file in temp, nothing in the project`, async () => {
      const root = await mkdtemp(path.join(tmpdir(), "tazuna-interrupt-"));
      const [bin, temp, project] = ["bin", "temp", "project"].map((d) => path.join(root, d)) as [
        string,
        string,
        string,
      ];
      for (const d of [bin, temp, project]) await mkdir(d);
      // A stand-in helm: marks that it runs, then waits to be interrupted.
      await writeFile(path.join(bin, "helm"), `#!/bin/sh\ntouch "${bin}/started"\nexec sleep 30\n`);
      await chmod(path.join(bin, "helm"), 0o755);
      await mkdir(path.join(project, "chart"));
      await writeFile(
        path.join(project, "tazuna.yaml"),
        "spec:\n  manifests:\n    - name: app\n      type: helm\n      path: chart\n      helm: {values: {password: sentinel-in-values}}\n",
      );
      const before = (await readdir(project)).sort();
      const child = execa(process.execPath, [BIN, "build"], {
        cwd: project,
        reject: false,
        env: { PATH: `${bin}:${process.env.PATH ?? ""}`, TMPDIR: temp },
      });
      // The stand-in writes its mark once it runs, holding the values file.
      const deadline = Date.now() + 30_000;
      while (!(await readdir(bin)).includes("started")) {
        if (Date.now() > deadline) throw new Error("helm never started");
        await new Promise((r) => setTimeout(r, 100));
      }
      const during = await readdir(temp);
      assert.equal(during.length, 1, "the values file's folder exists while helm runs (the control)");
      assert.equal((await stat(path.join(temp, during[0] as string))).mode & 0o777, 0o700);
      child.kill(signal);
      const res = await child;
      assert.notEqual(res.exitCode, 0);
      assert.deepEqual(await readdir(temp), [], "nothing left in temp");
      assert.deepEqual((await readdir(project)).sort(), before, "nothing written into the project");
    });
});
