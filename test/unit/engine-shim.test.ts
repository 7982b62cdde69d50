/** The engine shim (bin/pulumi in its own session) lives in a folder of this run's own, never a shared fixed path. */
import { strict as assert } from "node:assert";
import { lstat, mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { sessionRoot } from "../../src/engine/process";

describe("the engine shim's folder", () => {
  it("is new for each call, 0700 and ours; the shim is written there, 0700", async () => {
    const a = sessionRoot("/opt/pulumi");
    const b = sessionRoot("/opt/pulumi");
    assert.notEqual(a, b);
    for (const dir of [a, b]) {
      const st = await stat(dir);
      assert.equal(st.mode & 0o777, 0o700);
      assert.equal(st.uid, process.getuid?.());
      const shim = path.join(dir, "bin", "pulumi");
      assert.equal((await stat(shim)).mode & 0o777, 0o700);
      assert.match(await readFile(shim, "utf8"), /exec setsid "\/opt\/pulumi\/bin\/pulumi"/);
    }
  });

  it("ignores a folder planted at the old fixed path, and the file its link points at stays as it was", async () => {
    const planted = path.join(tmpdir(), `tazuna-engine-${process.getuid?.() ?? 0}`, "pulumi", "bin");
    await mkdir(planted, { recursive: true });
    const victim = path.join(tmpdir(), `tazuna-victim-${process.pid}`);
    await writeFile(victim, "untouched\n");
    const link = path.join(planted, `pulumi.${process.pid}`);
    await symlink(victim, link).catch(() => undefined);
    const root = sessionRoot("/opt/pulumi");
    const base = path.dirname(path.dirname(planted));
    assert.ok(!`${root}${path.sep}`.startsWith(`${base}${path.sep}`), "not under the planted folder");
    assert.equal(await readFile(victim, "utf8"), "untouched\n");
    assert.ok((await lstat(link)).isSymbolicLink());
  });
});
