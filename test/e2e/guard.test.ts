/**
 * The guard, proven with the API server's audit log: a context that does not
 * match context_matches, or a matching context that now points at another
 * cluster, gets zero write requests; re-binding works only when asked for.
 */
import { strict as assert } from "node:assert";
import { readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { readAudit, writesBy } from "../../src/cluster/audit";
import { destroyGuarded, rebindAndApply } from "../../src/state/binding";
import { useCluster } from "./cluster-fixture";
import { exists, scratchProject, tazunaStack } from "./tazuna-fixture";

const minimal = `apiVersion: tazuna.pepabo.com/v1
kind: Tazuna
spec:
  context_matches: ["^prod-"]
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

describe("guard (e2e)", function () {
  this.timeout(900_000);
  const a = useCluster("prod-a");
  const b = useCluster("prod-b");
  let project: { dir: string; backend: string };

  before(async () => {
    project = await scratchProject();
    await writeFile(path.join(project.dir, "tazuna.yaml"), minimal);
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.join(project.dir, "base"));
    await writeFile(path.join(project.dir, "base/objects.yaml"), configMap);
  });

  it("refuses a context that does not match context_matches, with zero writes", async () => {
    const since = new Date().toISOString();
    // prod-a-alias points at cluster A but does not match ^prod-a$.
    await writeFile(path.join(project.dir, "tazuna.yaml"), minimal.replace('["^prod-"]', '["^prod-a$"]'));
    const stack = await tazunaStack(project, "wrong", {
      context: "prod-a-alias",
      kubeconfig: a().kubeconfig,
    });
    await assert.rejects(stack.up(), (err: Error) => {
      assert.match(err.message, /kubeconfig context "prod-a-alias" does not match spec\.context_matches/);
      assert.match(err.message, /\/\^prod-a\$\//);
      return true;
    });
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await writesSince(a().auditLog, since), [], "no write request reached the API server");
    assert.equal(await exists(a().kubectl(), ["namespace", "guarded"]), false);
    await writeFile(path.join(project.dir, "tazuna.yaml"), minimal);
  });

  it("refuses a broken tazuna.yaml before any request to the cluster", async () => {
    const since = new Date().toISOString();
    await writeFile(
      path.join(project.dir, "tazuna.yaml"),
      minimal.replace("type: manifests", "type: manifest"),
    );
    const stack = await tazunaStack(project, "prod", { context: "prod-a", kubeconfig: a().kubeconfig });
    await assert.rejects(stack.up(), (err: Error) => {
      assert.match(err.message, /tazuna\.yaml:\d+: spec\.manifests\[0\]\.type: Invalid option/);
      return true;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const requests = (await readAudit(a().auditLog)).filter(
      (e) => e.user.username === ADMIN_USER && e.stageTimestamp > since,
    );
    assert.deepEqual(requests, [], "not even a read reached the API server");
    await writeFile(path.join(project.dir, "tazuna.yaml"), minimal);
  });

  it("applies through a matching context and records the cluster", async () => {
    const since = new Date().toISOString();
    const stack = await tazunaStack(project, "prod", { context: "prod-a", kubeconfig: a().kubeconfig });
    await stack.up();
    assert.ok(await exists(a().kubectl(), ["configmap", "marker", "-n", "guarded"]));
    // The control for the zero-write checks: an apply does show up in the audit log.
    const writes = await writesSince(a().auditLog, since);
    assert.ok(
      writes.some((e) => e.objectRef?.name === "marker"),
      "the audit log records the apply",
    );
  });

  it("refuses the same context name once it points at another cluster, with zero writes there", async () => {
    // Re-point context prod-a at cluster B, as a kubeconfig swapped under a user would.
    const kc = parse(await readFile(b().kubeconfig, "utf8")) as {
      contexts: { name: string }[];
      "current-context": string;
    };
    kc.contexts.push({ ...(kc.contexts[0] as object), name: "prod-a" } as { name: string });
    const swapped = path.join(path.dirname(project.dir), "swapped.kubeconfig");
    await writeFile(swapped, stringify(kc));
    const since = new Date().toISOString();
    const stack = await tazunaStack(project, "prod", { context: "prod-a", kubeconfig: swapped });
    await assert.rejects(stack.up(), (err: Error) => {
      assert.match(err.message, /now points at a different cluster/);
      assert.match(err.message, /tazuna:rebindTo/);
      return true;
    });
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await writesSince(b().auditLog, since), [], "no write request reached cluster B");
    assert.equal(await exists(b().kubectl(), ["namespace", "guarded"]), false);
  });

  it("refuses destroy through the re-pointed context, deleting nothing", async () => {
    const swapped = path.join(path.dirname(project.dir), "swapped.kubeconfig");
    const since = new Date().toISOString();
    const stack = await tazunaStack(project, "prod", { context: "prod-a", kubeconfig: swapped });
    await assert.rejects(destroyGuarded(stack, swapped, "prod-a"), /different cluster.*nothing was deleted/s);
    assert.deepEqual(await writesSince(b().auditLog, since), []);
    assert.ok(
      await exists(a().kubectl(), ["configmap", "marker", "-n", "guarded"]),
      "cluster A keeps its objects",
    );
  });

  it("re-binds only when asked for, naming the new cluster", async () => {
    const kc = parse(await readFile(b().kubeconfig, "utf8")) as { contexts: { name: string }[] };
    kc.contexts.push({ ...(kc.contexts[0] as object), name: "prod-a" } as { name: string });
    const swapped = path.join(path.dirname(project.dir), "swapped.kubeconfig");
    await writeFile(swapped, stringify(kc));
    const uidB = await b().kubectl()(["get", "namespace", "kube-system", "-o", "jsonpath={.metadata.uid}"]);
    const wrong = await tazunaStack(project, "prod", {
      context: "prod-a",
      kubeconfig: swapped,
      rebindTo: "some-other-uid",
    });
    await assert.rejects(wrong.up(), /different cluster/);
    const stack = await tazunaStack(project, "prod", {
      context: "prod-a",
      kubeconfig: swapped,
      rebindTo: uidB,
    });
    await rebindAndApply(stack);
    assert.ok(await exists(b().kubectl(), ["configmap", "marker", "-n", "guarded"]));
  });
});
