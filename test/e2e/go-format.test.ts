/**
 * A tazuna.yaml in the Go tool's own format (test/fixtures/go-format:
 * templated with {{ .Environment }}, environments, an includes-only entry,
 * helmfile vars from env/static/staticSlice/staticMap reaching .Values in a
 * plain helmfile.yaml, a hint, and WaitUntil/ExistNonExist test plugins),
 * applied through the tazuna command to a local control plane. The tests
 * are readiness gates: a failing one stops the apply and names itself
 * (the positive control that they run at all).
 */
import { strict as assert } from "node:assert";
import { readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { execa } from "execa";
import { useCluster } from "./cluster-fixture";
import { PASSPHRASE, exists } from "./tazuna-fixture";
import { TAZUNA_BIN as BIN, tazunaIn } from "../tazuna";
import { projectFrom } from "../projects";

const FIXTURE = path.resolve(__dirname, "../fixtures/go-format");

describe("a Go-format tazuna.yaml applied (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-go");
  let dir: string;
  const tazuna = tazunaIn(() => dir, {
    cluster: "local",
    env: () => ({ TAZUNA_E2E_CLUSTER_NAME: "tazuna-go.example" }),
  });
  const edit = async (from: string, to: string) => {
    const f = path.join(dir, "tazuna.yaml");
    const text = await readFile(f, "utf8");
    assert.ok(text.includes(from), `fixture has ${from}`);
    await writeFile(f, text.replace(from, to));
  };

  before(async () => {
    dir = await projectFrom(FIXTURE, "go-format", {
      local: {
        "tazuna:context": cluster().context,
        "tazuna:kubeconfig": cluster().kubeconfig,
        "tazuna:environment": "local",
      },
    });
  });

  it("applies with the environment's overlay, the vars in .Values and every test passing; a second plan has no changes", async () => {
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    const k = cluster().kubectl();
    assert.equal(
      await k(["get", "configmap", "environment", "-n", "platform", "-o", "jsonpath={.data.name}"]),
      "local",
    );
    assert.ok(await exists(k, ["resourcequota", "team-quota", "-n", "platform"]), "the included add-on");
    const deploy = JSON.parse(await k(["get", "deployment", "agent", "-n", "platform", "-o", "json"])) as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: { replicas: number };
    };
    assert.equal(deploy.spec.replicas, 2, "from: static");
    assert.equal(deploy.metadata.annotations["tazuna.test/cluster-name"], "tazuna-go.example", "from: env");
    assert.equal(deploy.metadata.annotations["tazuna.test/zones"], "a,b", "from: static, staticSlice");
    assert.equal(deploy.metadata.labels.team, "platform", "from: static, staticMap");
    assert.equal(
      deploy.metadata.annotations["tazuna.test/priority"],
      "no",
      "extraValueFiles, the string kept",
    );

    const plan = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 0, `${plan.stdout}\n${plan.stderr}`);
  });

  it("an ExistNonExist test that keeps failing stops the apply after minConsecutiveFailureCount tries, naming itself", async () => {
    await edit(
      "name: platform-settings\n            shouldExist: true",
      "name: no-such-config\n            shouldExist: true\n          minConsecutiveFailureCount: 2",
    );
    const res = await tazuna(["apply", "--yes"]);
    assert.equal(res.exitCode, 1, res.stderr);
    assert.match(
      res.stderr,
      /test "ExistNonExist-0": ConfigMap\/no-such-config in namespace platform failed 2 times in a row/,
    );
    await edit(
      "name: no-such-config\n            shouldExist: true\n          minConsecutiveFailureCount: 2",
      "name: platform-settings\n            shouldExist: true",
    );
  });

  it("a WaitUntil whose CEL condition stays false fails at its timeoutSeconds, naming the condition", async () => {
    await edit("availableReplicas == 2", "availableReplicas == 3");
    await edit("timeoutSeconds: 120", "timeoutSeconds: 5");
    const res = await tazuna(["apply", "--yes"]);
    assert.equal(res.exitCode, 1, res.stderr);
    assert.match(
      res.stderr,
      /test "WaitUntil-0": Deployment\.v1\.apps\/agent in namespace platform did not become ready \(cel=object\.status\.availableReplicas == 3/,
    );
    assert.match(res.stderr, /the condition is false/);
  });

  it("a helmfile var the hint requires, unset in the environment, stops the run before any change", async () => {
    await edit("availableReplicas == 3", "availableReplicas == 2");
    const res = await execa(BIN, ["-p", dir, "--cluster", "local", "plan", "--detailed-exitcode"], {
      reject: false,
      stdin: "ignore",
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, TAZUNA_E2E_CLUSTER_NAME: undefined },
      extendEnv: true,
    });
    assert.equal(res.exitCode, 1);
    assert.match(res.stderr, /add-on "agent"[\s\S]*environment variable TAZUNA_E2E_CLUSTER_NAME is not set/);
  });
});
