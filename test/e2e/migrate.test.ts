/**
 * tazuna migrate from the Go tool: a cluster holding a Go-format
 * declaration's objects written as the Go tool writes them (server-side
 * apply, field manager "tazuna", forced) and its state ConfigMaps
 * (tazuna-state-<manifest> in namespace tazuna, one key per object). The
 * migration takes them under this stack's state with no write to the
 * cluster (the audit log is the witness), the next plan has no changes, and
 * (the positive control) a changed declaration is then applied to the
 * Go-owned fields without a field-manager conflict. Then hand-made
 * leftovers folded back into the declaration (state fold), the same way.
 */
import { existsSync } from "node:fs";
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { readFile, readdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { execa } from "execa";
import { parseAllDocuments } from "yaml";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { persistedWritesBy, readAudit, writesBy } from "../audit";
import { useCluster } from "./cluster-fixture";
import { PASSPHRASE } from "./tazuna-fixture";
import { TAZUNA_BIN as BIN } from "../tazuna";
import { projectFrom } from "../projects";

const FIXTURE = path.resolve(__dirname, "../fixtures/go-format");
const ENV = { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, TAZUNA_E2E_CLUSTER_NAME: "tazuna-migrate.example" };

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** The Go tool's state key: manifest/group/version/kind[/namespace]/name, every / written as __. */
function goKey(manifest: string, o: Obj): string {
  const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["", o.apiVersion];
  const parts = [
    manifest,
    group,
    version,
    o.kind,
    ...(o.metadata.namespace ? [o.metadata.namespace] : []),
    o.metadata.name,
  ];
  return parts.join("__");
}

const settle = () => new Promise((r) => setTimeout(r, 1500));

describe("tazuna migrate from the Go tool (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-migrate");
  let dir: string;
  const tazuna = (args: string[]) =>
    execa(BIN, ["-p", dir, "--cluster", "local", ...args], { reject: false, stdin: "ignore", env: ENV });

  before(async () => {
    dir = await projectFrom(FIXTURE, "migrate", {
      local: {
        "tazuna:context": cluster().context,
        "tazuna:kubeconfig": cluster().kubeconfig,
        "tazuna:environment": "local",
      },
    });
    // What the Go tool did: render, server-side apply each manifest as "tazuna", record each object.
    const out = path.join(dir, "..", "rendered");
    const built = await execa(BIN, ["-p", dir, "-e", "local", "build", "--out", out], {
      env: ENV,
      reject: false,
    });
    assert.equal(built.exitCode, 0, built.stderr);
    const k = cluster().kubectl();
    await k(["create", "namespace", "tazuna"]);
    for (const manifest of ["platform", "team-quota", "agent"]) {
      const text = await readFile(path.join(out, `${manifest}.yaml`), "utf8");
      const objs = parseAllDocuments(text)
        .map((d) => d.toJS() as Obj)
        .filter(Boolean);
      await k(["apply", "--server-side", "--field-manager", "tazuna", "--force-conflicts", "-f", "-"], text);
      const data: Record<string, string> = {
        _metadata: JSON.stringify({ gitCommitHash: "", lastSyncedAt: new Date().toISOString() }),
      };
      for (const o of objs)
        data[goKey(manifest, o)] = JSON.stringify({
          contentHash: createHash("sha256").update(JSON.stringify(o)).digest("hex"),
        });
      // An object the Go tool installed that this declaration no longer renders.
      if (manifest === "platform")
        data[
          goKey(manifest, {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "retired", namespace: "platform" },
          })
        ] = "{}";
      const cm = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `tazuna-state-${manifest}`, namespace: "tazuna" },
        data,
      };
      await k(["apply", "-f", "-"], JSON.stringify(cm));
    }
    assert.ok((await readdir(out)).length >= 3);
  });

  it("takes every add-on under state with no write to the cluster; the next plan has no changes", async () => {
    const since = new Date().toISOString();
    const res = await tazuna(["migrate"]);
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /took 3 add-on\(s\) from the Go tool's state/);
    assert.match(res.stdout, /taken\s+platform/);
    assert.match(res.stdout, /rendered by no add-on[\s\S]*platform: v1\/ConfigMap platform\/retired/);
    // The Go tool's plain apply never deleted what left the file: the stack keeps that, and says so.
    assert.match(res.stderr, /wrote tazuna:prune: false to stacks\/Pulumi\.local\.yaml/);
    assert.match(
      await readFile(path.join(dir, "stacks", "Pulumi.local.yaml"), "utf8"),
      /tazuna:prune: false/,
    );
    await settle();
    const events = await readAudit(cluster().auditLog);
    // Each release reads its objects to record them; nothing is written.
    assert.ok(
      events.some((e) => e.user.username === ADMIN_USER && e.stageTimestamp > since && e.verb === "get"),
      "control: the audit log sees its reads",
    );
    const writes = persistedWritesBy(events, ADMIN_USER, since);
    assert.deepEqual(
      writes.map((w) => `${w.verb} ${w.objectRef?.resource ?? ""} ${w.objectRef?.name ?? ""}`),
      [],
      `migrate wrote nothing to the cluster\n${res.stdout}\n${res.stderr}`,
    );
    const plan = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 0, `${plan.stdout}\n${plan.stderr}`);
    assert.match(plan.stdout + plan.stderr, /no changes/i);
  });

  it("a changed declaration is then applied over the Go tool's fields, without a conflict (the control)", async () => {
    const f = path.join(dir, "tazuna.yaml");
    await writeFile(
      f,
      (await readFile(f, "utf8"))
        .replace('static: "2"', 'static: "3"')
        .replace("availableReplicas == 2", "availableReplicas == 3"),
    );
    const since = new Date().toISOString();
    const plan = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 2, plan.stderr);
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    await settle();
    const writes = writesBy(await readAudit(cluster().auditLog), ADMIN_USER, since);
    assert.ok(
      writes.some((w) => w.objectRef?.name === "agent" && w.objectRef.resource === "deployments"),
      "the audit log sees the apply",
    );
    assert.equal(
      await cluster().kubectl()([
        "get",
        "deployment",
        "agent",
        "-n",
        "platform",
        "-o",
        "jsonpath={.spec.replicas}",
      ]),
      "3",
    );
  });

  describe("state fold (one cluster's state carried from step to step)", () => {
    const k = () => cluster().kubectl();

    it("drift lists hand-made objects in a managed namespace as undeclared leftovers (exit 2)", async () => {
      await k()(["create", "configmap", "hand-made", "-n", "platform", "--from-literal=mode=manual"]);
      await k()(["create", "service", "clusterip", "hand-svc", "-n", "platform", "--tcp=80:8080"]);
      const drift = await tazuna(["state", "drift", "--detailed-exitcode"]);
      assert.equal(drift.exitCode, 2, drift.stderr);
      assert.match(drift.stdout, /undeclared\t-\tConfigMap\tplatform\thand-made/);
    });

    it("fold --only writes one into a new manifests add-on, cleaned, with no write to the cluster; the next plan is empty", async () => {
      const since = new Date().toISOString();
      const res = await tazuna([
        "state",
        "fold",
        "--as",
        "hand-made",
        "--only",
        "ConfigMap/platform/hand-made",
      ]);
      assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`);
      assert.match(res.stdout, /folded 1 leftover\(s\) into add-on hand-made/);
      assert.match(res.stdout, /--take-ownership/, "says how later changes can apply");
      const cm = await readFile(path.join(dir, "hand-made", "configmap-hand-made.yaml"), "utf8");
      assert.match(cm, /mode: manual/);
      assert.doesNotMatch(
        cm,
        /resourceVersion|uid:|managedFields|creationTimestamp/,
        "cleaned of server-set fields",
      );
      assert.match(
        await readFile(path.join(dir, "tazuna.yaml"), "utf8"),
        /name: hand-made[\s\S]*type: manifests[\s\S]*path: hand-made/,
      );
      await settle();
      assert.deepEqual(
        persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, since).map(
          (w) => `${w.verb} ${w.objectRef?.name ?? ""}`,
        ),
        [],
        "fold wrote nothing to the cluster",
      );
      const plan = await tazuna(["plan", "--detailed-exitcode"]);
      assert.equal(plan.exitCode, 0, `${plan.stdout}\n${plan.stderr}`);
    });

    it("refuses to fold a Secret, writing nothing into the project", async () => {
      await k()([
        "create",
        "secret",
        "generic",
        "hand-secret",
        "-n",
        "platform",
        "--from-literal=pw=fold-sentinel",
      ]);
      const declarationBefore = await readFile(path.join(dir, "tazuna.yaml"), "utf8");
      const refused = await tazuna(["state", "fold", "--as", "owned", "--take-ownership"]);
      assert.equal(refused.exitCode, 1, refused.stdout);
      assert.match(refused.stderr, /Secret\/platform\/hand-secret is a Secret; nothing was written/);
      assert.match(refused.stderr, /fix: fold each with tazuna secret export/);
      assert.ok(!existsSync(path.join(dir, "owned")), "no folder written");
      assert.equal(await readFile(path.join(dir, "tazuna.yaml"), "utf8"), declarationBefore);
      await k()(["delete", "secret", "hand-secret", "-n", "platform"]);
    });

    it("--take-ownership patches each object's field owners once, and a later change to it is applied", async () => {
      const since = new Date().toISOString();
      const owned = await tazuna(["state", "fold", "--as", "owned", "--take-ownership"]);
      assert.equal(owned.exitCode, 0, `${owned.stdout}\n${owned.stderr}`);
      await settle();
      assert.deepEqual(
        persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, since).map(
          (w) => `${w.verb} ${w.objectRef?.name ?? ""}`,
        ),
        ["patch hand-svc"],
        "one patch of its field owners per object, nothing else",
      );
      const svcFile = path.join(dir, "owned", "service-hand-svc.yaml");
      const svc = await readFile(svcFile, "utf8");
      assert.doesNotMatch(svc, /clusterIP:/, "no allocated address");
      assert.equal((await tazuna(["plan", "--detailed-exitcode"])).exitCode, 0);
      assert.equal(
        (await tazuna(["state", "drift", "--detailed-exitcode"])).exitCode,
        0,
        "nothing undeclared any more",
      );
      // The control: a change to an owned folded object is applied.
      await writeFile(svcFile, svc.replace("targetPort: 8080", "targetPort: 9090"));
      const applied = await tazuna(["apply", "--yes"]);
      assert.equal(applied.exitCode, 0, applied.stderr);
      assert.equal(
        await k()([
          "get",
          "service",
          "hand-svc",
          "-n",
          "platform",
          "-o",
          "jsonpath={.spec.ports[0].targetPort}",
        ]),
        "9090",
      );
    });
  });
});
