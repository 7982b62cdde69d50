/**
 * Faults a cluster throws at a bootstrap tool: the API server going away in
 * the middle of an apply, an aggregated API that is down (metrics-server
 * not ready), and kubectl errors that no waiting will fix. Each run is
 * driven through the built tazuna command against a local control plane.
 */
import { strict as assert } from "node:assert";
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { persistedWritesBy, readAudit } from "../audit";
import { useCluster } from "./cluster-fixture";
import { exists } from "./tazuna-fixture";
import { tazunaIn } from "../tazuna";

// JSON: kubectl reads YAML 1.1, where an unquoted yes is a boolean.
const configMap = (name: string, data: Record<string, string> = { ok: "yes" }) =>
  JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "faults" }, data });

/** The Go tool's ExistNonExist test on a ConfigMap in the faults namespace. */
const existsTest = (name: string, cm: string, timeoutSeconds: number) => ({
  type: "ExistNonExist",
  name,
  timeoutSeconds,
  intervalSeconds: 1,
  existNonExist: {
    resource: { apiVersion: "v1", kind: "ConfigMap" },
    namespace: "faults",
    name: cm,
    shouldExist: true,
  },
});

describe("faults (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-faults");
  let dir: string;
  const tazuna = tazunaIn(() => dir, { cluster: "local" });
  const declare = (manifests: object[]) =>
    writeFile(
      path.join(dir, "tazuna.yaml"),
      stringify({
        apiVersion: "tazuna.pepabo.com/v1",
        kind: "Tazuna",
        spec: { context_matches: ["tazuna-.*"], manifests },
      }),
    );
  const folder = async (name: string, files: Record<string, string>) => {
    await mkdir(path.join(dir, name), { recursive: true });
    for (const [f, text] of Object.entries(files)) await writeFile(path.join(dir, name, f), text);
  };
  const base = [
    { name: "first", type: "manifests", path: "first" },
    { name: "second", type: "manifests", path: "second", dependsOn: ["first"] },
    { name: "third", type: "manifests", path: "third", dependsOn: ["second"] },
  ];

  before(async () => {
    dir = path.join(await mkdtemp(path.join(tmpdir(), "tazuna-faults-")), "project");
    await mkdir(path.join(dir, "stacks"), { recursive: true });
    const config = { "tazuna:context": cluster().context, "tazuna:kubeconfig": cluster().kubeconfig };
    await writeFile(path.join(dir, "stacks", "Pulumi.local.yaml"), stringify({ config }));
    await folder("first", {
      "ns.yaml": stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "faults" } }),
      "a.yaml": configMap("a"),
    });
    await folder("second", { "b.yaml": configMap("b") });
    await folder("third", { "c.yaml": configMap("c") });
  });

  it("the API server stopped mid-apply: exit 1 naming the add-on; restarted, the next apply converges", async () => {
    const held = base.map((a) =>
      a.name === "second" ? { ...a, tests: [existsTest("go-ahead", "go-ahead", 10)] } : a,
    );
    await declare(held);
    const run = tazuna(["apply", "--yes"]);
    const k = cluster().kubectl();
    const deadline = Date.now() + 120_000;
    while (!(await exists(k, ["configmap", "b", "-n", "faults"])) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 300));
    await cluster().stopApiserver();
    const failed = await run;
    await cluster().startApiserver();
    assert.equal(failed.exitCode, 1, failed.stderr);
    assert.match(failed.stderr, /second/, "the add-on that was waiting is named");
    assert.match(failed.stderr, /connection refused|unable to connect|did not become ready/i);
    await k(["apply", "-f", "-"], configMap("go-ahead"));
    const again = await tazuna(["apply", "--yes"]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.ok(await exists(k, ["configmap", "c", "-n", "faults"]));
    const plan = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 0, `${plan.stdout}\n${plan.stderr}`);
  });

  it("a gate on a kind the cluster does not know fails at once with the API server's reason, not at its timeout", async () => {
    const unknown = {
      type: "WaitUntil",
      name: "unknown-kind",
      timeoutSeconds: 3000,
      waitUntil: {
        resource: { apiVersion: "example.com/v1", kind: "NoSuchKind" },
        namespace: "faults",
        name: "x",
        condition: "true",
      },
    };
    await declare(base.map((a) => (a.name === "third" ? { ...a, tests: [unknown] } : a)));
    const res = await tazuna(["apply", "--yes"]);
    assert.equal(res.exitCode, 1, res.stderr);
    assert.match(res.stderr, /will not change by waiting/);
    assert.match(res.stderr, /doesn't have a resource type|no matches for kind/);
  });

  it("kubectl missing from PATH: the run stops before any write, saying so", async () => {
    const since = new Date().toISOString();
    const { stdout: found } = await execa("which", ["-a", "kubectl"]);
    const dirs = new Set(found.split("\n").map((f) => path.dirname(f)));
    // The system folders hold a kubectl too: what tazuna needs from them is linked into one of its own.
    const own = await mkdtemp(path.join(tmpdir(), "tazuna-no-kubectl-"));
    for (const tool of ["node", "ps", "sh", "env"]) {
      const { stdout: at } = await execa("which", [tool]);
      await symlink(at, path.join(own, tool));
    }
    const pathWithout = [
      own,
      ...(process.env.PATH ?? "").split(":").filter((p) => !dirs.has(p) && p !== "/usr/bin" && p !== "/bin"),
    ].join(":");
    await declare(base);
    await writeFile(path.join(dir, "third", "c.yaml"), configMap("c", { ok: "changed" }));
    const res = await tazuna(["apply", "--yes"], { PATH: pathWithout });
    assert.equal(res.exitCode, 1, res.stderr);
    assert.match(res.stderr, /kubectl was not found on PATH/);
    await new Promise((r) => setTimeout(r, 1000));
    const writes = persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, since);
    assert.deepEqual(
      writes.map((e) => `${e.verb} ${e.objectRef?.name ?? ""}`),
      [],
    );
    const control = await tazuna(["apply", "--yes"]);
    assert.equal(control.exitCode, 0, control.stderr);
    const after = persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, since);
    assert.ok(
      after.some((e) => e.objectRef?.name === "c"),
      "control: with kubectl the same change is written",
    );
  });

  it("an aggregated API that is down stops neither plan, apply, drift, leftovers nor the removal of an add-on", async () => {
    const k = cluster().kubectl();
    // As metrics-server not ready: its Service exists, with no endpoints (no pod ever answers).
    await k(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "metrics-server", namespace: "kube-system" },
        spec: { ports: [{ port: 443, targetPort: 4443 }] },
      }),
    );
    await k(
      ["apply", "-f", "-"],
      stringify({
        apiVersion: "apiregistration.k8s.io/v1",
        kind: "APIService",
        metadata: { name: "v1beta1.metrics.k8s.io" },
        spec: {
          service: { name: "metrics-server", namespace: "kube-system", port: 443 },
          group: "metrics.k8s.io",
          version: "v1beta1",
          insecureSkipTLSVerify: true,
          groupPriorityMinimum: 100,
          versionPriority: 100,
        },
      }),
    );
    await k([
      "wait",
      "apiservice/v1beta1.metrics.k8s.io",
      "--for=condition=Available=False",
      "--timeout=60s",
    ]);
    await writeFile(path.join(dir, "third", "c.yaml"), configMap("c", { ok: "again" }));
    const applied = await tazuna(["apply", "--yes", "--prune-leftovers"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    const drift = await tazuna(["state", "drift", "--detailed-exitcode"]);
    assert.equal(drift.exitCode, 0, `${drift.stdout}\n${drift.stderr}`);
    await declare(base.filter((a) => a.name !== "third"));
    const removed = await tazuna(["apply", "--yes"]);
    assert.equal(removed.exitCode, 0, removed.stderr);
    assert.equal(await exists(k, ["configmap", "c", "-n", "faults"]), false);
    await k(["delete", "apiservice", "v1beta1.metrics.k8s.io"]);
  });
});
