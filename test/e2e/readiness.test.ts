/**
 * Readiness gates dependents: when an add-on never becomes ready, the apply
 * fails after its timeout, naming the add-on and the object, and the add-ons
 * that depend on it never reach the API server.
 */
import { strict as assert } from "node:assert";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { readAudit, writesBy } from "../audit";
import { useCluster } from "./cluster-fixture";
import { exists, scratchProject, tazunaStack } from "./tazuna-fixture";
import { RELEASE_TYPE } from "../../src/resources/urns";

const declaration = `apiVersion: tazuna.pepabo.com/v1
kind: Tazuna
spec:
  manifests:
    - name: operator
      type: manifests
      path: operator
      timeout: 20s
    - name: app
      type: manifests
      path: app
      dependsOn: [operator]
`;

// No node carries this label, so the pod is never scheduled and never Ready.
const stuck = `apiVersion: apps/v1
kind: Deployment
metadata: {name: stuck-operator, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: stuck}}
  template:
    metadata: {labels: {app: stuck}}
    spec:
      nodeSelector: {tazuna.dev/no-such-node: "true"}
      containers: [{name: op, image: registry.invalid/op:1}]
`;

const dependent = `apiVersion: v1
kind: ConfigMap
metadata: {name: needs-operator, namespace: default}
data: {a: b}
`;

describe("readiness gates dependents (e2e)", function () {
  this.timeout(600_000);
  const cluster = useCluster("tazuna-ready");
  let stack: Awaited<ReturnType<typeof tazunaStack>>;
  let dir: string;

  it("fails after the add-on's timeout and never applies what depends on it", async () => {
    const project = await scratchProject();
    await writeFile(path.join(project.dir, "tazuna.yaml"), declaration);
    await mkdir(path.join(project.dir, "operator"));
    await mkdir(path.join(project.dir, "app"));
    await writeFile(path.join(project.dir, "operator/deployment.yaml"), stuck);
    await writeFile(path.join(project.dir, "app/configmap.yaml"), dependent);
    dir = project.dir;
    const since = new Date().toISOString();
    stack = await tazunaStack(project, "ready", {
      context: cluster().context,
      kubeconfig: cluster().kubeconfig,
    });
    const t0 = Date.now();
    await assert.rejects(stack.up(), (err: Error) => {
      assert.match(
        err.message,
        /add-on "operator": Deployment\.v1\.apps\/stuck-operator in namespace default did not become ready \(rollout complete\) within 20s/,
      );
      assert.match(err.message, /last events:[\s\S]*FailedScheduling[\s\S]*stuck-operator/);
      return true;
    });
    assert.ok(Date.now() - t0 < 300_000, "the 20s timeout applied, not the 10-minute default");
    assert.ok(await exists(cluster().kubectl(), ["deployment", "stuck-operator", "-n", "default"]));
    assert.equal(await exists(cluster().kubectl(), ["configmap", "needs-operator", "-n", "default"]), false);
    const writes = writesBy(await readAudit(cluster().auditLog), ADMIN_USER, since);
    assert.ok(writes.some((e) => e.objectRef?.name === "stuck-operator"));
    assert.equal(writes.filter((e) => e.objectRef?.name === "needs-operator").length, 0);
  });

  it("a release applied but not ready is recorded with its inventory; the next run waits again and goes on once ready", async () => {
    type Recorded = { type: string; initErrors?: string[]; outputs?: { inventory?: { name: string }[] } };
    const resources = (await stack.exportStack()).deployment.resources as Recorded[];
    const release = resources.find(
      (r) => r.type === RELEASE_TYPE && r.outputs?.inventory?.some((e) => e.name === "stuck-operator"),
    );
    assert.ok(release, "the operator's release is in state, with what it wrote");
    assert.match(String(release.initErrors), /did not become ready/);
    // Fixed: schedulable now. The next up rolls it out, waits again, then applies what depends on it.
    await writeFile(path.join(dir, "operator/deployment.yaml"), stuck.replace(/\n\s+nodeSelector: .*/, ""));
    await stack.up();
    assert.ok(await exists(cluster().kubectl(), ["configmap", "needs-operator", "-n", "default"]));
    const after = (await stack.exportStack()).deployment.resources as Recorded[];
    assert.deepEqual(
      after.filter((r) => r.type === RELEASE_TYPE).map((r) => r.initErrors ?? []),
      [[], []],
      "both releases ready",
    );
  });
});
