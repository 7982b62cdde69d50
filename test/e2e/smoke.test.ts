/**
 * The toolchain proof: the self-built Pulumi engine and Kubernetes provider
 * apply, diff and destroy a real program on the local control plane, through
 * the plain CLI and through Automation API. Every claim about the cluster is
 * checked with kubectl, never with Pulumi's own outputs.
 */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { OFFLINE_ENV } from "../../src/engine/process";
import { openStack } from "../../src/engine/workspace";
import { SMOKE_NAMESPACE, smokeProgram } from "../smoke/program";
import type { Kubectl } from "../../src/cluster/kubectl";
import { useCluster } from "./cluster-fixture";

const ROOT = path.resolve(__dirname, "../..");
const PASSPHRASE = "e2e-only-passphrase";

async function notFound(k: Kubectl, args: string[]): Promise<boolean> {
  const res = await execa("kubectl", ["--kubeconfig", k.kubeconfig, ...args], { reject: false });
  return res.exitCode !== 0 && /NotFound|not found/.test(res.stderr);
}

async function assertApplied(k: Kubectl, greeting: string, markerPath: string): Promise<void> {
  const ns = SMOKE_NAMESPACE;
  assert.equal(await k(["get", "namespace", ns, "-o", "name"]), `namespace/${ns}`);
  assert.equal(
    await k([
      "get",
      "crd",
      "widgets.smoke.tazuna.dev",
      "-o",
      "jsonpath={.status.conditions[?(@.type=='Established')].status}",
    ]),
    "True",
  );
  assert.equal(
    await k(["get", "widgets.smoke.tazuna.dev", "w1", "-n", ns, "-o", "jsonpath={.spec.size}"]),
    "3",
  );
  assert.equal(
    await k(["get", "configmap", "greeting", "-n", ns, "-o", "jsonpath={.data.greeting}"]),
    greeting,
  );
  const available = await k([
    "get",
    "deployment",
    "web",
    "-n",
    ns,
    "-o",
    "jsonpath={.status.conditions[?(@.type=='Available')].status} {.status.readyReplicas}",
  ]);
  assert.equal(available, "True 2", "Deployment web must be Available with 2 ready replicas");
  assert.equal(readFileSync(markerPath, "utf8"), "written by tazuna", "the dynamic provider wrote its file");
}

async function assertDestroyed(k: Kubectl, markerPath: string): Promise<void> {
  assert.ok(await notFound(k, ["get", "namespace", SMOKE_NAMESPACE]), "namespace is gone");
  assert.ok(await notFound(k, ["get", "crd", "widgets.smoke.tazuna.dev"]), "CRD is gone");
  assert.equal(existsSync(markerPath), false, "the dynamic provider removed its file");
}

describe("toolchain smoke (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster();
  let state: string;
  let work: string;
  let PROJECT: string;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "smoke-"));
    state = `file://${work}/state`;
    await mkdir(`${work}/state`);
    // A copy of examples/smoke inside the checkout (so the language host and
    // node_modules are found), in an ignored folder: the CLI writes stack files.
    await mkdir(path.join(ROOT, ".tazuna"), { recursive: true });
    PROJECT = await mkdtemp(path.join(ROOT, ".tazuna", "smoke-"));
    await cp(path.join(ROOT, "examples/smoke/Pulumi.yaml"), path.join(PROJECT, "Pulumi.yaml"));
    await writeFile(
      path.join(PROJECT, "index.ts"),
      `export = require(${JSON.stringify(path.join(ROOT, "test/smoke/program"))}).smokeProgram();\n`,
    );
  });

  after(async () => {
    await rm(PROJECT, { recursive: true, force: true });
  });

  describe("plain pulumi CLI in a project folder", () => {
    const env = () => ({ ...OFFLINE_ENV, PULUMI_BACKEND_URL: state, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE });
    const configFile = () => path.join(work, "Pulumi.cli.yaml");
    const pulumi = (args: string[]) =>
      execa("pulumi", [...args, "--stack", "cli", "--non-interactive"], {
        cwd: PROJECT,
        env: env(),
        reject: false,
      });
    const marker = () => path.join(work, "cli-marker.txt");

    before(async () => {
      const init = await execa("pulumi", ["stack", "init", "cli", "--non-interactive"], {
        cwd: PROJECT,
        env: env(),
      });
      assert.equal(init.exitCode, 0);
      const c = cluster();
      const values = {
        kubeconfig: c.kubeconfig,
        context: c.context,
        greeting: "hello",
        markerPath: marker(),
      };
      for (const [k, v] of Object.entries(values)) {
        await execa(
          "pulumi",
          ["config", "set", `smoke:${k}`, v, "--stack", "cli", "--config-file", configFile()],
          {
            cwd: PROJECT,
            env: env(),
          },
        );
      }
    });

    it("pulumi up creates every object, and the Deployment becomes Available", async () => {
      const up = await pulumi(["up", "--yes", "--skip-preview", "--config-file", configFile()]);
      assert.equal(up.exitCode, 0, `pulumi up failed:\n${up.stdout}\n${up.stderr}`);
      await assertApplied(cluster().kubectl(), "hello", marker());
    });

    it("pulumi preview --expect-no-changes passes on the converged cluster", async () => {
      const pv = await pulumi(["preview", "--expect-no-changes", "--config-file", configFile()]);
      assert.equal(pv.exitCode, 0, `expected no changes:\n${pv.stdout}\n${pv.stderr}`);
    });

    it("pulumi preview --expect-no-changes fails after the ConfigMap value changes", async () => {
      await execa(
        "pulumi",
        ["config", "set", "smoke:greeting", "changed", "--stack", "cli", "--config-file", configFile()],
        {
          cwd: PROJECT,
          env: env(),
        },
      );
      const pv = await pulumi(["preview", "--expect-no-changes", "--json", "--config-file", configFile()]);
      assert.notEqual(pv.exitCode, 0, "a changed declaration must fail --expect-no-changes");
      const steps = (JSON.parse(pv.stdout) as { steps: { op: string; urn: string }[] }).steps;
      const updates = steps.filter((s) => s.op !== "same");
      // URN: urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>
      const described = updates.map((s) => [s.op, s.urn.split("$").pop()]);
      assert.deepEqual(described, [["update", "kubernetes:core/v1:ConfigMap::smoke:tazuna-smoke/greeting"]]);
    });

    it("pulumi destroy removes everything", async () => {
      const d = await pulumi(["destroy", "--yes", "--skip-preview", "--config-file", configFile()]);
      assert.equal(d.exitCode, 0, `pulumi destroy failed:\n${d.stdout}\n${d.stderr}`);
      await assertDestroyed(cluster().kubectl(), marker());
    });
  });

  describe("Automation API inline program", () => {
    const marker = () => path.join(work, "auto-marker.txt");
    const open = (greeting: string) => {
      const c = cluster();
      return openStack({
        projectName: "tazuna-smoke",
        stackName: "auto",
        program: async () => smokeProgram(),
        backendUrl: state,
        passphrase: PASSPHRASE,
        config: {
          "smoke:kubeconfig": { value: c.kubeconfig },
          "smoke:context": { value: c.context },
          "smoke:greeting": { value: greeting },
          "smoke:markerPath": { value: marker() },
        },
      });
    };

    it("up creates every object", async () => {
      const stack = await open("hello");
      const res = await stack.up();
      assert.equal(res.summary.result, "succeeded");
      await assertApplied(cluster().kubectl(), "hello", marker());
    });

    it("a second preview is a no-op, and a changed value is exactly one update", async () => {
      const same = await (await open("hello")).preview({ expectNoChanges: true });
      assert.equal(same.changeSummary.update ?? 0, 0);
      const changed = await (await open("changed")).preview({ diff: true });
      const { same: _same, ...ops } = changed.changeSummary;
      assert.deepEqual(ops, { update: 1 });
    });

    it("destroy removes everything", async () => {
      const stack = await open("hello");
      const res = await stack.destroy();
      assert.equal(res.summary.result, "succeeded");
      await assertDestroyed(cluster().kubectl(), marker());
    });
  });
});
