/**
 * Renames, moves and removals with the Prometheus Operator's unmodified CRDs
 * (one of them 833 KB), a custom resource declared and one made by hand;
 * each step witnessed by the API server's audit log.
 */
import { strict as assert } from "node:assert";
import { cp, rename } from "node:fs/promises";
import * as path from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { exists } from "./tazuna-fixture";
import { at, crdAddon, extras, monitors, useSafetyProject } from "./safety-fixture";

describe("renames, moves and CRDs with upstream content (e2e)", function () {
  this.timeout(900_000);
  const p = useSafetyProject("tazuna-safety-crds", [
    extras,
    crdAddon("monitoring-crds"),
    monitors("monitoring-crds"),
  ]);
  const { cluster, tazuna, declare, mark, writes, dir: project } = p;
  /** A custom resource nobody declares: it would go with its CRD. */
  const handMadeMonitor = (name: string) =>
    cluster().kubectl()(
      ["apply", "-f", "-"],
      stringify({
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name, namespace: "default" },
        spec: { selector: {}, endpoints: [] },
      }),
    );

  it("applies the CRDs and their custom resource", async () => {
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, `${applied.stdout}\n${applied.stderr}`);
  });

  it("renames the add-on that owns the CRDs and moves an object between add-ons with no delete", async () => {
    const k = cluster().kubectl();
    await handMadeMonitor("hand-made");
    await rename(
      path.join(project(), "monitors/configmap-moving.yaml"),
      path.join(project(), "extras/configmap-moving.yaml"),
    );
    await declare([extras, crdAddon("prometheus-crds"), monitors("prometheus-crds")]);
    mark();
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, `${applied.stdout}\n${applied.stderr}`);
    const deletes = (await writes()).filter((e) => e.verb === "delete");
    assert.deepEqual(deletes.map(at), [], "the audit log shows no DELETE");
    for (const args of [
      ["crd", "prometheuses.monitoring.coreos.com"],
      ["crd", "servicemonitors.monitoring.coreos.com"],
      ["servicemonitor", "web", "-n", "apps"],
      ["servicemonitor", "hand-made", "-n", "default"],
      ["configmap", "moving", "-n", "apps"],
    ])
      assert.ok(await exists(k, args), args.join(" "));
    const plan = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 0, `${plan.stdout}\n${plan.stderr}`);
    const status = await tazuna(["status", "-o", "json"]);
    const objects = (JSON.parse(status.stdout) as { addons: { addon: string; objects: number }[] }).addons;
    assert.deepEqual(
      objects.map((a) => `${a.addon}=${a.objects}`).sort(),
      ["extras=4", "monitors=2", "prometheus-crds=2"],
      "the moved ConfigMap counts under extras now",
    );
  });

  it("refuses the same object in two add-ons, naming both, with zero writes", async () => {
    await cp(
      path.join(project(), "extras/configmap-moving.yaml"),
      path.join(project(), "monitors/configmap-moving.yaml"),
    );
    mark();
    const plan = await tazuna(["apply", "--yes"]);
    assert.equal(plan.exitCode, 1, plan.stderr);
    assert.match(
      plan.stderr,
      /add-ons "(monitors" and "extras|extras" and "monitors)" both render ConfigMap apps\/moving/,
    );
    assert.deepEqual((await writes()).map(at), []);
    await execa("rm", [path.join(project(), "monitors/configmap-moving.yaml")]);
  });

  it("keeps the CRDs of a removed add-on, says why, and deletes them only with --prune-crds", async () => {
    await declare([extras]);
    const plan = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 2, plan.stderr);
    assert.match(
      plan.stdout,
      /= keep\s+apiextensions.k8s.io\/v1:CustomResourceDefinition prometheuses.monitoring.coreos.com\s+\(a CRD outlives its add-on/,
    );
    assert.match(plan.stdout, /= keep\s+core\/v1:ConfigMap apps\/kept\s+\(helm\.sh\/resource-policy: keep/);
    mark();
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    const k = cluster().kubectl();
    assert.ok(await exists(k, ["crd", "servicemonitors.monitoring.coreos.com"]), "kept");
    assert.ok(await exists(k, ["configmap", "kept", "-n", "apps"]), "helm's keep honoured");
    assert.ok(await exists(k, ["servicemonitor", "hand-made", "-n", "default"]), "with its custom resources");
    assert.equal(
      await exists(k, ["servicemonitor", "web", "-n", "apps"]),
      false,
      "the declared one went with its add-on",
    );
    const deleted = (await writes()).filter((e) => e.verb === "delete").map(at);
    assert.ok(deleted.includes("delete servicemonitors web"), deleted.join("\n"));
    assert.ok(!deleted.some((d) => d.includes("customresourcedefinitions")), deleted.join("\n"));
    const again = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(again.exitCode, 0, again.stdout);

    // Back under Tazuna (the live CRDs are taken over, not recreated), then removed with --prune-crds.
    await declare([extras, crdAddon("prometheus-crds")]);
    const back = await tazuna(["apply", "--yes"]);
    assert.equal(back.exitCode, 0, back.stderr);
    await declare([extras]);
    const pruned = await tazuna(["apply", "--yes", "--prune-crds"]);
    assert.equal(pruned.exitCode, 0, pruned.stderr);
    assert.match(
      pruned.stderr,
      /--prune-crds: deleted .*servicemonitors.monitoring.coreos.com.* and 1 custom resource/,
    );
    assert.equal(await exists(k, ["crd", "servicemonitors.monitoring.coreos.com"]), false);
  });

  it("destroy deletes CRDs last and counts the custom resources that go with them", async () => {
    await declare([extras, crdAddon("prometheus-crds")]);
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    const k = cluster().kubectl();
    await handMadeMonitor("hand-made-2");
    mark();
    const destroyed = await tazuna(["destroy", "--yes"]);
    assert.equal(destroyed.exitCode, 0, destroyed.stderr);
    assert.match(destroyed.stdout, /2 CRD\(s\) deleted last, with 1 custom resource\(s\) not declared here/);
    const w = (await writes()).filter((e) => e.verb === "delete");
    const crd = w.findIndex((e) => e.objectRef?.resource === "customresourcedefinitions");
    assert.ok(
      crd > 0 && w.slice(crd).every((e) => e.objectRef?.resource === "customresourcedefinitions"),
      w.map(at).join("\n"),
    );
    assert.equal(await exists(k, ["crd", "prometheuses.monitoring.coreos.com"]), false);
  });
});
