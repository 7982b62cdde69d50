/**
 * Temp files that may hold a secret: 0600 in a 0700 folder, and gone after
 * success, error, Ctrl-C and SIGTERM. The interrupt is tested on the built
 * CLI's `build` with a stand-in helm that waits, holding its values file.
 */
import { strict as assert } from "node:assert";
import { readdir, stat } from "node:fs/promises";
import * as path from "node:path";
import { execa } from "execa";
import { scratchDir } from "../../src/process/temp";
import { heldRender } from "../held-render";
import { TAZUNA_BIN as BIN } from "../tazuna";

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
      const { bin, temp, project, started } = await heldRender("tazuna-interrupt-");
      const before = (await readdir(project)).sort();
      const child = execa(process.execPath, [BIN, "build"], {
        cwd: project,
        reject: false,
        env: { PATH: `${bin}:${process.env.PATH ?? ""}`, TMPDIR: temp },
      });
      await started();
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
