/**
 * kill -9 of tazuna and the engine at random moments of a fresh apply of
 * the example foundation, each followed by one `tazuna apply` that must
 * converge: exit 0, the next plan exit 0, no lock left, and the cluster
 * holding exactly what a clean apply leaves (nothing missing, nothing left
 * over). `npm run soak:kill` runs it with 20 moments (TAZUNA_KILL_POINTS);
 * TAZUNA_KILL_SEED makes the moments repeatable. CI's sample is the kill -9
 * test of test/e2e/interrupt.test.ts.
 */
import { strict as assert } from "node:assert";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { stringify } from "yaml";
import { useCluster } from "../e2e/cluster-fixture";
import { descendants, killAll } from "../e2e/process-tree";
import { inventory, scratchProject } from "../e2e/tazuna-fixture";
import { tazunaIn } from "../tazuna";

const POINTS = Number(process.env.TAZUNA_KILL_POINTS ?? "1");
const SEED = Number(process.env.TAZUNA_KILL_SEED ?? Date.now() % 100_000);

/** mulberry32: a small seeded generator, so a failing run can be repeated with its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(`kill -9 at ${POINTS} random moment(s) of a fresh apply (e2e, seed ${SEED})`, function () {
  this.timeout(POINTS * 300_000 + 300_000);
  const cluster = useCluster("tazuna-kill");
  let dir: string;
  let empty: string[];
  let full: string[];
  let cleanMs: number;
  const tazuna = tazunaIn(() => dir, { cluster: "local" });
  const locks = async () =>
    (
      await readdir(path.join(dir, ".tazuna/state/.pulumi/locks"), { recursive: true }).catch(() => [])
    ).filter((f) => String(f).endsWith(".json"));
  /** Until the cluster holds `want` (namespaces finish terminating after a destroy). */
  const settle = async (want: string[]) => {
    const deadline = Date.now() + 120_000;
    let now = await inventory(cluster().kubectl());
    while (JSON.stringify(now) !== JSON.stringify(want) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      now = await inventory(cluster().kubectl());
    }
    return now;
  };

  before(async () => {
    dir = (await scratchProject()).dir;
    await mkdir(path.join(dir, "stacks"));
    const config = {
      "tazuna:context": cluster().context,
      "tazuna:kubeconfig": cluster().kubeconfig,
      "tazuna:vars": { overlay: "local" },
    };
    await writeFile(path.join(dir, "stacks/Pulumi.local.yaml"), stringify({ config }));
    empty = await inventory(cluster().kubectl());
    const t0 = Date.now();
    const clean = await tazuna(["apply", "--yes"]);
    cleanMs = Date.now() - t0;
    assert.equal(clean.exitCode, 0, clean.stderr);
    full = await inventory(cluster().kubectl());
    const destroyed = await tazuna(["destroy", "--yes"]);
    assert.equal(destroyed.exitCode, 0, destroyed.stderr);
    assert.deepEqual(await settle(empty), empty, "the destroy leaves the cluster as it was");
  });

  const next = random(SEED);
  for (let i = 0; i < POINTS; i++) {
    it(`kill point ${i + 1}: the next apply converges with nothing missing or left over`, async () => {
      const at = Math.round(300 + next() * (cleanMs - 300));
      const run = tazuna(["apply", "--yes"]);
      await new Promise((r) => setTimeout(r, at));
      const pid = run.pid as number;
      killAll([pid, ...(await descendants(pid))]);
      await run;
      const again = await tazuna(["apply", "--yes"]);
      assert.equal(again.exitCode, 0, `killed at ${at} ms of ${cleanMs}:\n${again.stderr}`);
      const plan = await tazuna(["plan", "--detailed-exitcode"]);
      assert.equal(plan.exitCode, 0, `killed at ${at} ms:\n${plan.stdout}\n${plan.stderr}`);
      assert.deepEqual(await locks(), [], "no lock left");
      assert.deepEqual(await inventory(cluster().kubectl()), full, `killed at ${at} ms`);
      const destroyed = await tazuna(["destroy", "--yes"]);
      assert.equal(destroyed.exitCode, 0, destroyed.stderr);
      assert.deepEqual(await settle(empty), empty);
    });
  }
});
