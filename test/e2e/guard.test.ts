/**
 * The guard, proven with the API server's audit log and driven through the
 * tazuna command (the path users take): a context that does not match
 * context_matches, or a matching context that now points at another
 * cluster, gets zero write requests; re-binding works only when asked for.
 * Every "zero writes" check has its control in the same test: the same check
 * sees the writes of an allowed run.
 */
import { strict as assert } from "node:assert";
import { RELEASE_TYPE } from "../../src/resources/urns";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { readAudit, writesBy } from "../audit";
import { useCluster } from "./cluster-fixture";
import { exists, scratchProject, tazunaStack } from "./tazuna-fixture";
import type { StackSettings } from "../../src/config/settings";
import { tazunaIn } from "../tazuna";

const minimal = `apiVersion: tazuna.pepabo.com/v1
kind: Tazuna
spec:
  context_matches: ["prod-.*"]
  manifests:
    - name: base
      type: manifests
      path: base
`;

const configMap = `apiVersion: v1
kind: Namespace
metadata: {name: guarded}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: marker, namespace: guarded}
data: {owner: tazuna}
`;

async function writesSince(auditLog: string, since: string) {
  return writesBy(await readAudit(auditLog), ADMIN_USER, since);
}

/** The audit log is written as requests complete; give the last ones a moment. */
const settle = () => new Promise((r) => setTimeout(r, 1500));

describe("guard (e2e, through the tazuna command)", function () {
  this.timeout(900_000);
  const a = useCluster("prod-a");
  const b = useCluster("prod-b");
  let dir: string;

  const stackFile = (cluster: string, config: Record<string, string>) =>
    writeFile(
      path.join(dir, "stacks", `Pulumi.${cluster}.yaml`),
      stringify({ config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`tazuna:${k}`, v])) }),
    );
  const tazuna = (cluster: string, args: string[]) => tazunaIn(() => dir, { cluster })(args);
  /** Context prod-a in a kubeconfig where it reaches cluster B, as a kubeconfig swapped under a user would. */
  const swappedKubeconfig = async () => {
    const kc = parse(await readFile(b().kubeconfig, "utf8")) as { contexts: { name: string }[] };
    kc.contexts.push({ ...(kc.contexts[0] as object), name: "prod-a" } as { name: string });
    const file = path.join(path.dirname(dir), "swapped.kubeconfig");
    await writeFile(file, stringify(kc));
    return file;
  };

  before(async () => {
    dir = (await scratchProject()).dir;
    await writeFile(path.join(dir, "tazuna.yaml"), minimal);
    await mkdir(path.join(dir, "base"));
    await mkdir(path.join(dir, "stacks"));
    await writeFile(path.join(dir, "base/objects.yaml"), configMap);
    await stackFile("prod", { context: "prod-a", kubeconfig: a().kubeconfig });
    await stackFile("wrong", { context: "prod-a-alias", kubeconfig: a().kubeconfig });
    await stackFile("prod-b", { context: "prod-b", kubeconfig: b().kubeconfig });
  });

  it("refuses a context that does not match context_matches with zero writes; a matching one applies", async () => {
    // prod-a-alias points at cluster A but does not match ^prod-a$.
    await writeFile(path.join(dir, "tazuna.yaml"), minimal.replace('["prod-.*"]', '["^prod-a$"]'));
    const since = new Date().toISOString();
    const refused = await tazuna("wrong", ["apply", "--yes"]);
    assert.equal(refused.exitCode, 3, refused.stderr);
    assert.match(refused.stderr, /kubeconfig context "prod-a-alias" does not match spec\.context_matches/);
    assert.match(refused.stderr, /\/\^prod-a\$\//);
    await settle();
    assert.deepEqual(await writesSince(a().auditLog, since), [], "no write request reached the API server");
    assert.equal(await exists(a().kubectl(), ["namespace", "guarded"]), false);

    // Control: the same check sees an allowed apply's writes.
    const applied = await tazuna("prod", ["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    await settle();
    const writes = await writesSince(a().auditLog, since);
    assert.ok(
      writes.some((e) => e.objectRef?.name === "marker"),
      "the audit log records the apply",
    );
    await writeFile(path.join(dir, "tazuna.yaml"), minimal);
  });

  it("refuses a broken tazuna.yaml before any request to the cluster; fixed, requests arrive", async () => {
    await writeFile(path.join(dir, "tazuna.yaml"), minimal.replace("type: manifests", "type: manifest"));
    const requestsSince = async (since: string) =>
      (await readAudit(a().auditLog)).filter(
        (e) => e.user.username === ADMIN_USER && e.stageTimestamp > since,
      );
    const since = new Date().toISOString();
    const refused = await tazuna("prod", ["plan", "--detailed-exitcode"]);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /tazuna\.yaml:\d+: spec\.manifests\[0\]\.type: Invalid option/);
    await settle();
    assert.deepEqual(await requestsSince(since), [], "not even a read reached the API server");

    await writeFile(path.join(dir, "tazuna.yaml"), minimal);
    const plan = await tazuna("prod", ["plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 0, plan.stderr);
    await settle();
    assert.ok((await requestsSince(since)).length > 0, "control: a valid plan's reads are in the audit log");
  });

  it("pins the stack to its cluster; up --target, refresh and destroy that run the program refuse another cluster with zero writes", async () => {
    const pinned = (
      parse(await readFile(path.join(dir, "stacks", "Pulumi.prod.yaml"), "utf8")) as {
        config: Record<string, string>;
      }
    ).config["tazuna:clusterUid"] as string;
    const uidA = (
      await a().kubectl()(["get", "namespace", "kube-system", "-o", "jsonpath={.metadata.uid}"])
    ).trim();
    assert.equal(pinned, uidA, "the first apply wrote the pin");
    // The threat: the kubeconfig file the stack names is swapped under it (same path, now reaching B).
    const kubeconfig = path.join(path.dirname(dir), "prod.kubeconfig");
    await writeFile(kubeconfig, await readFile(a().kubeconfig, "utf8"));
    await stackFile("prod", { context: "prod-a", kubeconfig, clusterUid: pinned });
    const moved = await tazuna("prod", ["apply", "--yes"]);
    assert.equal(moved.exitCode, 0, moved.stderr);
    await writeFile(kubeconfig, await readFile(await swappedKubeconfig(), "utf8"));
    // A change to the targeted object, so there is a write to make.
    await writeFile(
      path.join(dir, "base/objects.yaml"),
      configMap.replace("owner: tazuna", "owner: changed"),
    );
    const open = (settings: StackSettings) =>
      tazunaStack({ dir, backend: `file://${dir}/.tazuna/state` }, "prod", settings);
    try {
      // The paths a Pulumi user takes, on the same program and state.
      const stack = await open({ context: "prod-a", kubeconfig, clusterUid: pinned });
      // The release of the add-on whose inventory holds the marker ConfigMap.
      type Recorded = { urn: string; type: string; outputs?: { inventory?: { name: string }[] } };
      const marker = (await stack.exportStack()).deployment.resources.find(
        (r: Recorded) => r.type === RELEASE_TYPE && r.outputs?.inventory?.some((e) => e.name === "marker"),
      ) as Recorded;
      const since = new Date().toISOString();
      await assert.rejects(stack.up({ target: [marker.urn] }), /pinned to/);
      await assert.rejects(stack.refresh({ runProgram: true }), /pinned to/);
      await assert.rejects(stack.destroy({ runProgram: true }), /pinned to/);
      await settle();
      assert.deepEqual(await writesSince(b().auditLog, since), [], "no write request reached cluster B");
      // Control: the same pinned stack, its kubeconfig reaching the pinned cluster again, is let
      // through and writes there. (Without the pin, the engine itself refuses this --target run:
      // the swapped kubeconfig replaces the provider, which --target does not allow; the pin also
      // covers a cluster rebuilt behind unchanged credentials and the --run-program paths.)
      await writeFile(kubeconfig, await readFile(a().kubeconfig, "utf8"));
      const sinceA = new Date().toISOString();
      await stack.up({ target: [marker.urn] });
      await settle();
      assert.ok(
        (await writesSince(a().auditLog, sinceA)).some((e) => e.objectRef?.name === "marker"),
        "control: the pinned cluster gets the write",
      );
    } finally {
      await writeFile(path.join(dir, "base/objects.yaml"), configMap);
      await writeFile(kubeconfig, await readFile(a().kubeconfig, "utf8"));
    }
  });

  it("refuses the same context name once it points at another cluster, with zero writes there", async () => {
    await stackFile("prod", { context: "prod-a", kubeconfig: await swappedKubeconfig() });
    const since = new Date().toISOString();
    const refused = await tazuna("prod", ["apply", "--yes"]);
    assert.equal(refused.exitCode, 3, refused.stderr);
    assert.match(refused.stderr, /now points at a different cluster/);
    assert.match(refused.stderr, /tazuna:rebindTo/);
    await settle();
    assert.deepEqual(await writesSince(b().auditLog, since), [], "no write request reached cluster B");
    assert.equal(await exists(b().kubectl(), ["namespace", "guarded"]), false);

    // Control: cluster B's audit log does record an allowed apply.
    const allowed = await tazuna("prod-b", ["apply", "--yes"]);
    assert.equal(allowed.exitCode, 0, allowed.stderr);
    await settle();
    assert.ok((await writesSince(b().auditLog, since)).some((e) => e.objectRef?.name === "marker"));
  });

  it("refuses destroy through the re-pointed context, deleting nothing; an allowed destroy deletes", async () => {
    const since = new Date().toISOString();
    const refused = await tazuna("prod", ["destroy", "--yes"]);
    assert.equal(refused.exitCode, 3, refused.stderr);
    assert.match(refused.stderr, /different cluster.*nothing was deleted/s);
    await settle();
    assert.deepEqual(await writesSince(b().auditLog, since), []);
    assert.ok(
      await exists(b().kubectl(), ["configmap", "marker", "-n", "guarded"]),
      "cluster B keeps its objects",
    );
    assert.ok(
      await exists(a().kubectl(), ["configmap", "marker", "-n", "guarded"]),
      "cluster A keeps its objects",
    );

    // Control: the destroy of the stack that owns cluster B's objects shows up as deletes.
    const allowed = await tazuna("prod-b", ["destroy", "--yes"]);
    assert.equal(allowed.exitCode, 0, allowed.stderr);
    await settle();
    assert.ok((await writesSince(b().auditLog, since)).some((e) => e.verb === "delete"));
  });

  it("re-binds only when asked for, naming the new cluster", async () => {
    const swapped = await swappedKubeconfig();
    const uidB = await b().kubectl()(["get", "namespace", "kube-system", "-o", "jsonpath={.metadata.uid}"]);
    await stackFile("prod", { context: "prod-a", kubeconfig: swapped, rebindTo: "some-other-uid" });
    const wrong = await tazuna("prod", ["apply", "--yes"]);
    assert.equal(wrong.exitCode, 3, wrong.stderr);
    assert.match(wrong.stderr, /different cluster/);
    await stackFile("prod", { context: "prod-a", kubeconfig: swapped, rebindTo: uidB.trim() });
    const rebound = await tazuna("prod", ["apply", "--yes"]);
    assert.equal(rebound.exitCode, 0, `${rebound.stdout}\n${rebound.stderr}`);
    assert.ok(
      await exists(b().kubectl(), ["configmap", "marker", "-n", "guarded"]),
      `${rebound.stdout}\n${rebound.stderr}`,
    );
  });
});
