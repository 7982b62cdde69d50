/**
 * `tazuna verify` as a CI job runs it: a throwaway control plane, apply from
 * zero, plan without changes, destroy, inventory as before. A passing
 * declaration (the example foundation with a stack's variables), one whose
 * test fails, and one that leaves an object behind (the positive control of
 * the inventory check), each with the step that failed; and nothing of the
 * run left on the machine.
 */
import { strict as assert } from "node:assert";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { VerifySchema } from "../../src/cli/results";
import { scratchProject } from "./tazuna-fixture";
import { TAZUNA_BIN as BIN } from "../tazuna";

const verify = (dir: string, args: string[] = []) =>
  execa(BIN, ["-p", dir, ...args, "-o", "json", "verify", "--settle", "10"], {
    reject: false,
    stdin: "ignore",
  });

const leftovers = async () => (await readdir(tmpdir())).filter((f) => f.startsWith("tazuna-verify-"));

describe("tazuna verify (e2e)", function () {
  this.timeout(900_000);

  it("passes the example foundation with a stack's variables, timing each add-on, and leaves nothing behind", async () => {
    const { dir } = await scratchProject();
    await mkdir(path.join(dir, "stacks"));
    // The stack's variables and environment are used; its cluster (nowhere here) never is.
    await writeFile(
      path.join(dir, "stacks", "Pulumi.staging.yaml"),
      stringify({
        config: { "tazuna:context": "staging-does-not-exist", "tazuna:vars": { overlay: "local" } },
      }),
    );
    const page = path.join(dir, "verify.html");
    const res = await verify(dir, ["--cluster", "staging", "--report", page]);
    assert.equal(res.exitCode, 0, res.stderr);
    // The page of the run: a timeline bar per add-on from the throwaway cluster's apply.
    const html = await readFile(page, "utf8");
    assert.match(html, /tazuna verify on <b>staging<\/b>: <span class="ok">exit 0 \(ok\)/);
    const bars = [...html.matchAll(/class="bar addon-bar" data-addon="([^"]+)"/g)].map((m) => m[1]).sort();
    assert.deepEqual(bars, ["argocd", "cert-manager", "cni", "ingress", "metrics"]);
    assert.match(html, /Not checked: verify applies to a throwaway local control plane of its own/);
    const report = VerifySchema.parse(JSON.parse(res.stdout));
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.steps.map((s) => [s.step, s.ok]),
      [
        ["start a throwaway control plane", true],
        ["apply from zero, with every readiness gate and test", true],
        ["plan again: no changes", true],
        ["destroy", true],
        ["inventory back to where it started", true],
      ],
    );
    assert.deepEqual(
      report.addons.map((a) => [a.addon, a.state]),
      ["cni", "cert-manager", "ingress", "metrics", "argocd"].map((a) => [a, "ready"]),
    );
    assert.ok(report.addons.every((a) => a.seconds > 0));
    assert.deepEqual(await leftovers(), [], "its temp folder is gone");
    const procs = await execa("pgrep", ["-f", "tazuna-verify-"], { reject: false });
    assert.equal(procs.stdout.trim(), "", "no control-plane process outlives it");
  });

  it("fails at the apply step when a test fails, naming the test", async () => {
    const { dir } = await scratchProject();
    await writeFile(
      path.join(dir, "tazuna.yaml"),
      `spec:
  manifests:
    - {name: cni, type: manifests, path: cni}
  tests:
    - type: WaitUntil
      timeoutSeconds: 3
      waitUntil:
        resource: {apiVersion: apps/v1, kind: DaemonSet}
        namespace: kube-system
        name: cni
        condition: 'object.status.numberReady == 99'
`,
    );
    const res = await verify(dir);
    assert.equal(res.exitCode, 1);
    const report = VerifySchema.parse(JSON.parse(res.stdout));
    assert.equal(report.failedStep, "apply from zero, with every readiness gate and test");
    assert.match(report.steps.at(-1)?.detail ?? "", /test "WaitUntil-0".*did not become ready/);
    assert.deepEqual(await leftovers(), []);
  });

  it("fails at the inventory step when the destroy leaves an object behind (the check's positive control)", async () => {
    const { dir } = await scratchProject();
    await mkdir(path.join(dir, "orphaning"));
    // A hook object as charts write them: helm's default policy deletes it only before the next
    // run of the hook, so neither helm uninstall nor a destroy removes it.
    await writeFile(
      path.join(dir, "orphaning", "hook.yaml"),
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: orphaning-hook
  namespace: default
  annotations: {helm.sh/hook: post-install, helm.sh/hook-delete-policy: before-hook-creation}
data: {ran: "yes"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: orphaning, namespace: default}
data: {kept: "no"}
`,
    );
    await writeFile(
      path.join(dir, "tazuna.yaml"),
      "spec:\n  manifests:\n    - {name: orphaning, type: manifests, path: orphaning}\n",
    );
    const res = await verify(dir);
    assert.equal(res.exitCode, 1, res.stderr);
    const report = VerifySchema.parse(JSON.parse(res.stdout));
    assert.equal(report.failedStep, "inventory back to where it started");
    assert.match(report.steps.at(-1)?.detail ?? "", /left behind: v1 ConfigMap default\/orphaning-hook/);
  });
});
