/**
 * Interrupted applies, through the built tazuna command against a local control plane:
 * Ctrl-C (SIGINT) stops at a safe point with exit 130 and leaves clean,
 * unlocked state; kill -9 of tazuna and everything it started leaves a lock
 * and unfinished operations that the next apply clears, saying what it did.
 * A spec of cert-manager that waits for a ConfigMap we create holds the apply
 * mid-way for as long as the test needs.
 */
import { strict as assert } from "node:assert";
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { execa, type ResultPromise } from "execa";
import { stringify } from "yaml";
import { useCluster } from "./cluster-fixture";
import { descendants, killAll } from "./process-tree";
import { gate, stderrOf, waitFor } from "./held-apply";
import { heldRender } from "../held-render";
import type { StackSettings } from "../../src/config/settings";
import { PASSPHRASE, exists, scratchProject, tazunaStack } from "./tazuna-fixture";
import { builtInProjectName } from "../../src/cli/project";
import { TAZUNA_BIN as BIN, tazunaIn } from "../tazuna";

describe("interrupted applies (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-interrupt");
  let dir: string;
  const stateDir = () => path.join(dir, ".tazuna/state/.pulumi");

  const tazuna = (args: string[]): ResultPromise<{ reject: false; stdin: "ignore" }> =>
    tazunaIn(() => dir, { cluster: "local" })(args);

  const locks = async () =>
    (await readdir(path.join(stateDir(), "locks"), { recursive: true }).catch(() => [])).filter((f) =>
      String(f).endsWith(".json"),
    );

  const pending = async () => {
    const file = path.join(stateDir(), "stacks", builtInProjectName(dir), "local.json");
    const doc = JSON.parse(await readFile(file, "utf8")) as {
      checkpoint: { latest: { pending_operations?: unknown[] } };
    };
    return doc.checkpoint.latest.pending_operations ?? [];
  };

  const settings = (): StackSettings => ({
    context: cluster().context,
    kubeconfig: cluster().kubeconfig,
    vars: { overlay: "local" },
  });

  before(async () => {
    dir = (await scratchProject()).dir;
    await mkdir(path.join(dir, "stacks"));
    const s = settings();
    await writeFile(
      path.join(dir, "stacks/Pulumi.local.yaml"),
      stringify({
        config: { "tazuna:context": s.context, "tazuna:kubeconfig": s.kubeconfig, "tazuna:vars": s.vars },
      }),
    );
    const file = path.join(dir, "tazuna.yaml");
    const text = await readFile(file, "utf8");
    await writeFile(
      file,
      text.replace("      dependsOn: [cni]\n", `      dependsOn: [cni]\n${gate("go-ahead")}`),
    );
  });

  it("Ctrl-C stops at a safe point: exit 130, state saved and unlocked, nothing new started", async () => {
    const run = tazuna(["apply", "--yes"]);
    const err = stderrOf(run);
    await waitFor("the apply to wait on the go-ahead gate", () =>
      /create test cert-manager-test-go-ahead/.test(err()),
    );
    run.kill("SIGINT");
    await waitFor("the interrupt to be acknowledged", () =>
      /SIGINT: stopping the apply at a safe point/.test(err()),
    );
    // The gate in flight finishes; the engine starts nothing after it.
    await cluster().kubectl()(["create", "configmap", "go-ahead", "-n", "default", "--from-literal=ok=yes"]);
    const res = await run;
    assert.equal(res.exitCode, 130, res.stderr);
    assert.match(
      res.stderr,
      /apply interrupted after \d+ change\(s\)[\s\S]*run `tazuna apply` again to finish/,
    );
    assert.equal(await exists(cluster().kubectl(), ["namespace", "argocd"]), false, "argocd never started");
    assert.deepEqual(await locks(), [], "the lock was released");
    assert.deepEqual(await pending(), [], "no unfinished operations");

    const again = await tazuna(["apply", "--yes"]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /recovered:/, "a clean stop needs no recovery");
    assert.ok(await exists(cluster().kubectl(), ["deployment", "argocd-server", "-n", "argocd"]));
  });

  it("kill -9 mid-apply leaves a lock and unfinished operations; the next apply recovers and says so", async () => {
    const file = path.join(dir, "tazuna.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace(gate("go-ahead"), gate("go-ahead-2")));
    const run = tazuna(["apply", "--yes"]);
    const err = stderrOf(run);
    await waitFor("the apply to wait on the new gate", () =>
      /create test cert-manager-test-go-ahead-2/.test(err()),
    );
    // Everything the run started, the engine in its own session included, as a crash would.
    const pid = run.pid as number;
    let children: number[] = [];
    await waitFor("the engine to be found", async () => (children = await descendants(pid)).length > 0);
    killAll([pid, ...children]);
    await run;
    assert.equal((await locks()).length, 1, "the dead run's lock is left behind");

    const plain = await tazunaStack(
      { dir, backend: `file://${path.dirname(stateDir())}` },
      "local",
      settings(),
    );
    await assert.rejects(
      plain.refresh(),
      /currently locked/,
      "without recovery the engine refuses the stack",
    );

    await cluster().kubectl()([
      "create",
      "configmap",
      "go-ahead-2",
      "-n",
      "default",
      "--from-literal=ok=yes",
    ]);
    const again = await tazuna(["apply", "--yes"]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stderr, /recovered: removed the lock of pid \d+ \(no longer running\)/);
    assert.match(again.stderr, /recovered: cleared an unfinished create of cert-manager-test-go-ahead-2/);
    assert.deepEqual(await pending(), []);
    const plan = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 0, `converged after recovery:\n${plan.stdout}\n${plan.stderr}`);
  });
});

describe("an apply interrupted mid-render (e2e)", function () {
  this.timeout(300_000);
  const cluster = useCluster("tazuna-interrupt-render");

  for (const signal of ["SIGINT", "SIGTERM"] as const)
    it(`${signal} while helm renders leaves no values file in temp and nothing in the project but its state`, async () => {
      const { bin, temp, project, started } = await heldRender("tazuna-apply-interrupt-");
      const before = (await readdir(project)).sort();
      const run = execa(
        BIN,
        [
          "-p",
          project,
          "--kubeconfig",
          cluster().kubeconfig,
          "--context",
          cluster().context,
          "apply",
          "--yes",
        ],
        {
          reject: false,
          stdin: "ignore",
          env: {
            PATH: `${bin}:${process.env.PATH ?? ""}`,
            TMPDIR: temp,
            PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
          },
        },
      );
      const err = stderrOf(run);
      await started().catch((e: Error) => Promise.reject(new Error(`${e.message}; its stderr:\n${err()}`)));
      const values = (await readdir(temp, { recursive: true })).filter((f) =>
        /values\.yaml$/.test(String(f)),
      );
      assert.equal(
        values.length,
        1,
        `the values file exists while helm runs (the control): ${values.join(", ")}`,
      );
      assert.equal((await stat(path.join(temp, String(values[0])))).mode & 0o777, 0o600);
      const sent = Date.now();
      run.kill(signal);
      const res = await run;
      // The stand-in sleeps 60 s: the run must stop it, not wait for it.
      assert.ok(
        Date.now() - sent < 30_000,
        `stopped within 30 s, not after the tool (${Date.now() - sent} ms)`,
      );
      assert.equal(res.exitCode, 130, res.stderr);
      assert.match(res.stderr, /apply interrupted after 0 change\(s\)/);
      assert.deepEqual(
        await readdir(temp, { recursive: true }),
        [],
        `nothing left in temp; exit ${res.exitCode}:\n${res.stderr}`,
      );
      const after = (await readdir(project)).filter((f) => f !== ".tazuna").sort();
      assert.deepEqual(after, before, "nothing written into the project but the state folder");
    });
});
