/**
 * Shared state on a real object store (s3:// on gofakes3), as a team or a
 * fleet of CI runners shares it: two tazuna runs from two network namespaces
 * on one stack, the lock between them, recovery of a killed run, and the
 * cluster binding, each read from and written to the store.
 */
import { strict as assert } from "node:assert";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import * as path from "node:path";
import { execa, type ResultPromise } from "execa";
import { parse, stringify } from "yaml";
import { useCluster } from "./cluster-fixture";
import { useObjectStore } from "./object-store-fixture";
import { inOtherNetns, serveSockets } from "./other-netns";
import { descendants, killAll } from "./process-tree";
import { gate, stderrOf, waitFor } from "./held-apply";
import { PASSPHRASE, exists, scratchProject, tazunaStack } from "./tazuna-fixture";
import { TAZUNA_BIN as BIN } from "../tazuna";

describe("shared state on an object store (e2e, s3://)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-shared");
  const other = useCluster("tazuna-shared-b");
  const store = useObjectStore();
  let dir: string;
  let sockets: Awaited<ReturnType<typeof serveSockets>>;

  const env = () => ({ ...store().env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE });
  const argv = (args: string[]) => ["-p", dir, "--cluster", "local", "--backend", store().url, ...args];
  /** A run from the test's own network namespace (runner A). */
  const here = (args: string[]): ResultPromise =>
    execa(BIN, argv(args), { reject: false, stdin: "ignore", env: env() });
  /** A run from a second namespace (runner B), which reaches only the store and the API server. */
  const there = (args: string[]) => {
    const ports = [store().port, Number(new URL(cluster().info.server).port)];
    return inOtherNetns(sockets, ports, process.execPath, [BIN, ...argv(args)], { env: env() });
  };

  const setGate = async (cm: string) => {
    const file = path.join(dir, "tazuna.yaml");
    const text = (await readFile(file, "utf8")).replace(/ {6}tests:\n {8}- name: go-ahead.*\n.*\n/, "");
    await writeFile(file, text.replace("      dependsOn: [cni]\n", `      dependsOn: [cni]\n${gate(cm)}`));
  };
  const goAhead = (cm: string) =>
    cluster().kubectl()(["create", "configmap", cm, "-n", "default", "--from-literal=ok=yes"]);
  const stackFile = (kubeconfig: string) =>
    writeFile(
      path.join(dir, "stacks/Pulumi.local.yaml"),
      stringify({
        config: {
          "tazuna:context": cluster().context,
          "tazuna:kubeconfig": kubeconfig,
          "tazuna:vars": { overlay: "local" },
        },
      }),
    );

  before(async () => {
    Object.assign(process.env, store().env); // for the Automation API stack the test opens itself
    sockets = await serveSockets([store().port, Number(new URL(cluster().info.server).port)]);
    dir = (await scratchProject()).dir;
    await mkdir(path.join(dir, "stacks"));
    await stackFile(cluster().kubeconfig);
    await setGate("go-ahead");
  });
  after(() => sockets?.close());

  it("the second namespace has only loopback, and reaches the store and the API server through the bridge", async () => {
    const addrs = await inOtherNetns(sockets, [], "ip", ["-o", "addr"]);
    assert.equal(addrs.exitCode, 0, String(addrs.stderr));
    const seen = [...String(addrs.stdout).matchAll(/inet6? (\S+)/g)].map((m) => m[1]);
    assert.deepEqual(seen.sort(), ["127.0.0.1/8", "::1/128"].sort());
    // The store's port: reached through the bridge, refused without it (the control).
    const probe = (ports: number[]) =>
      inOtherNetns(sockets, ports, process.execPath, [
        "-e",
        `require("net").connect(${store().port}, "127.0.0.1").on("connect", () => process.exit(0)).on("error", () => process.exit(7))`,
      ]);
    assert.equal((await probe([store().port])).exitCode, 0, "reached through the bridge");
    assert.equal((await probe([])).exitCode, 7, "refused without it");
  });

  it("a run from the other namespace is refused while the first holds the lock (exit 4, naming the holder); state intact; the next apply converges", async () => {
    const first = here(["apply", "--yes"]);
    const err = stderrOf(first);
    await waitFor(
      "runner A to wait on the go-ahead gate",
      () => /create test cert-manager-test-go-ahead/.test(err()),
      err,
    );
    const engines = await descendants(first.pid as number);

    const second = await there(["apply", "--yes"]);
    assert.equal(second.exitCode, 4, `${String(second.stderr)}`);
    const holder = /created by \S+@(\S+) \(pid (\d+)\)/.exec(String(second.stderr));
    assert.ok(holder, `the refusal names the holder:\n${String(second.stderr)}`);
    assert.equal(holder[1], hostname());
    assert.ok(engines.includes(Number(holder[2])), `pid ${holder[2]} is runner A's engine`);

    await goAhead("go-ahead");
    const done = await first;
    assert.equal(done.exitCode, 0, String(done.stderr));
    assert.ok(await exists(cluster().kubectl(), ["deployment", "argocd-server", "-n", "argocd"]));

    const listA = await here(["state", "list", "--output", "json"]);
    const listB = await there(["state", "list", "--output", "json"]);
    assert.equal(listB.exitCode, 0, String(listB.stderr));
    assert.ok(String(listA.stdout).includes("argocd-server"), "state records the apply");
    assert.deepEqual(
      JSON.parse(String(listB.stdout)),
      JSON.parse(String(listA.stdout)),
      "both runners read the same state",
    );

    const again = await there(["apply", "--yes", "--output", "json"]);
    assert.equal(again.exitCode, 0, String(again.stderr));
    const doc = JSON.parse(String(again.stdout)) as { changes: { op: string }[] };
    assert.deepEqual(
      doc.changes.filter((c) => c.op !== "same"),
      [],
      "runner B finds nothing left to do",
    );
  });

  it("kill -9 of a run leaves the lock in the store; the next apply from the other namespace removes it and recovers", async () => {
    await setGate("go-ahead-2");
    const run = here(["apply", "--yes"]);
    const err = stderrOf(run);
    await waitFor(
      "the apply to wait on the new gate",
      () => /create test cert-manager-test-go-ahead-2/.test(err()),
      err,
    );
    const pid = run.pid as number;
    killAll([pid, ...(await descendants(pid))]);
    await run;

    const plain = await tazunaStack({ dir, backend: store().url }, "local", {
      context: cluster().context,
      kubeconfig: cluster().kubeconfig,
      vars: { overlay: "local" },
    });
    await assert.rejects(
      plain.refresh(),
      /currently locked/,
      "without recovery the engine refuses the stack",
    );

    await goAhead("go-ahead-2");
    const again = await there(["apply", "--yes"]);
    assert.equal(again.exitCode, 0, String(again.stderr));
    assert.match(String(again.stderr), /recovered: removed the lock of pid \d+ \(no longer running\)/);
    assert.match(
      String(again.stderr),
      /recovered: cleared an unfinished create of cert-manager-test-go-ahead-2/,
    );
    const plan = await here(["plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 0, `converged after recovery:\n${plan.stdout}\n${plan.stderr}`);
  });

  it("the cluster binding lives in the shared state: the same context reaching another cluster is refused (exit 3)", async () => {
    const kc = parse(await readFile(other().kubeconfig, "utf8")) as { contexts: { name: string }[] };
    kc.contexts.push({ ...(kc.contexts[0] as object), name: cluster().context } as { name: string });
    const swapped = path.join(path.dirname(dir), "swapped.kubeconfig");
    await writeFile(swapped, stringify(kc));
    await stackFile(swapped);
    try {
      const refused = await here(["apply", "--yes"]);
      assert.equal(refused.exitCode, 3, String(refused.stderr));
      assert.match(String(refused.stderr), /now points at a different cluster/);
      assert.equal(await exists(other().kubectl(), ["namespace", "argocd"]), false, "nothing written there");
    } finally {
      await stackFile(cluster().kubeconfig);
    }
    // Control: through the right cluster the same stack still plans clean.
    const plan = await here(["plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 0, String(plan.stderr));
  });
});
