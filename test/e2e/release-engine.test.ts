/**
 * The release engine: one resource per add-on applies its objects by server-side
 * apply and records an inventory. Through the built tazuna command against a
 * local control plane, the audit log as the witness: the example applies and
 * is ready, state holds no object, the next plan is empty, an object that
 * leaves an add-on is deleted, one that moves to another add-on is not, and
 * destroy removes everything but the CRDs.
 */
import { strict as assert } from "node:assert";
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { readAudit, persistedWritesBy } from "../audit";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { builtInProjectName } from "../../src/cli/project";
import { PlanSchema } from "../../src/cli/results";
import { useCluster } from "./cluster-fixture";
import { exists, scratchProject, tazunaOnExample } from "./tazuna-fixture";

const UPSTREAM_CRDS = path.resolve(__dirname, "../../../shared/upstream/prometheus-operator-v0.93.0-crds");
const ARGO_CD = path.resolve(__dirname, "../../../shared/upstream/argo-cd-v3.5.1");

const EXTRA =
  "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: release-extra, namespace: kube-system}\ndata: {a: b}\n";

/** The kinds whose awaiter the per-object engine turned off (pulumi.com/skipAwait). */
const SKIP_AWAIT_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "Service", "Ingress"]);

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
};
type StateRow = { urn: string; type: string; parent?: string; outputs?: Record<string, unknown> } & Record<
  string,
  unknown
>;

const MOVED =
  "\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: release-moved}\nrules: []\n";

describe("the release engine (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-release");
  let dir: string;

  const tazuna = tazunaOnExample(cluster, () => dir);
  const checkpoint = async () => {
    const file = path.join(
      dir,
      ".tazuna/state/.pulumi/stacks",
      builtInProjectName(dir),
      `${cluster().context}.json`,
    );
    const text = await readFile(file, "utf8");
    const doc = JSON.parse(text) as {
      checkpoint: { latest: { resources: { type: string; outputs?: Record<string, unknown> }[] } };
    };
    const releases = doc.checkpoint.latest.resources.filter((r) => r.type.endsWith("tazuna:Release"));
    return { text, types: doc.checkpoint.latest.resources.map((r) => r.type), releases };
  };
  const writes = async (since: string) =>
    persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, since).map(
      (e) => `${e.verb} ${e.objectRef?.resource ?? ""}/${e.objectRef?.name ?? ""}`,
    );

  before(async () => {
    dir = (await scratchProject()).dir;
  });

  it("applies the example with one release per add-on, and state holds no object", async () => {
    const res = await tazuna(["apply", "--yes"]);
    assert.equal(res.exitCode, 0, res.stderr);
    const k = cluster().kubectl();
    assert.ok(await exists(k, ["deployment", "argocd-server", "-n", "argocd"]));
    assert.ok(await exists(k, ["crd", "certificates.cert-manager.io"]));
    const { text, types, releases } = await checkpoint();
    for (const r of releases) {
      assert.ok(Array.isArray(r.outputs?.inventory) && r.outputs.inventory.length > 0, "an inventory");
      assert.match(JSON.stringify(r.outputs?.key), /ciphertext/, "the fingerprint key is encrypted in state");
    }
    assert.equal(types.filter((t) => t.endsWith("tazuna:Release")).length, 5, types.join("\n"));
    assert.deepEqual(
      types.filter((t) => t.startsWith("kubernetes:") && t !== "pulumi:providers:kubernetes"),
      [],
      "no per-object resource",
    );
    assert.doesNotMatch(text, /10-fake\.conflist/, "no object content in state");
  });

  it("the next plan is empty", async () => {
    const res = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.match(res.stdout + res.stderr, /no changes/);
  });

  it("apply --tags leaves the other add-ons' releases and objects alone", async () => {
    const since = new Date().toISOString();
    const res = await tazuna(["apply", "--yes", "--tags", "edge"]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.match(res.stderr, /--tags edge: applying ingress, and cni/, "the control: a tagged run");
    assert.deepEqual(await writes(since), [], "nothing written, nothing deleted");
    assert.equal((await checkpoint()).releases.length, 5, "every release still recorded");
    assert.ok(await exists(cluster().kubectl(), ["deployment", "argocd-server", "-n", "argocd"]));
  });

  it("an object added then removed from an add-on is created (the only write), then pruned", async () => {
    const file = path.join(dir, "cni/daemonset.yaml");
    const original = await readFile(file, "utf8");
    await appendFile(file, EXTRA);
    const plan = await tazuna(["plan", "--detailed-exitcode"]);
    assert.match(
      plan.stdout + plan.stderr,
      /cni[\s\S]*\+ create\s+core\/v1:ConfigMap kube-system\/release-extra/,
      "the control: the plan lists the new object",
    );
    const added = new Date().toISOString();
    assert.equal((await tazuna(["apply", "--yes"])).exitCode, 0);
    assert.ok(await exists(cluster().kubectl(), ["configmap", "release-extra", "-n", "kube-system"]));
    assert.deepEqual(
      await writes(added),
      ["patch configmaps/release-extra"],
      "only the new object is written",
    );
    await writeFile(file, original);
    const since = new Date().toISOString();
    const res = await tazuna(["apply", "--yes"]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.equal(
      await exists(cluster().kubectl(), ["configmap", "release-extra", "-n", "kube-system"]),
      false,
    );
    assert.ok((await writes(since)).includes("delete configmaps/release-extra"));
  });

  it("an object moved to another add-on is never deleted", async () => {
    const from = path.join(dir, "cni/daemonset.yaml");
    const kustomization = path.join(dir, "cert-manager/base/kustomization.yaml");
    await appendFile(from, MOVED);
    assert.equal((await tazuna(["apply", "--yes"])).exitCode, 0);
    await writeFile(from, (await readFile(from, "utf8")).replace(MOVED, ""));
    await writeFile(path.join(dir, "cert-manager/base/moved.yaml"), MOVED);
    await writeFile(
      kustomization,
      (await readFile(kustomization, "utf8")).replace("resources:\n", "resources:\n  - moved.yaml\n"),
    );
    const since = new Date().toISOString();
    const res = await tazuna(["apply", "--yes"]);
    assert.equal(res.exitCode, 0, res.stderr);
    const w = await writes(since);
    assert.ok(
      w.includes("patch clusterroles/release-moved"),
      `the new owner applied it (the control): ${w.join(", ")}`,
    );
    assert.ok(!w.includes("delete clusterroles/release-moved"), w.join(", "));
    assert.ok(await exists(cluster().kubectl(), ["clusterrole", "release-moved"]));
  });

  it("a plan after removing a file lists the deletes, and the CRDs it keeps", async () => {
    const kustomization = path.join(dir, "cert-manager/base/kustomization.yaml");
    const before = await readFile(kustomization, "utf8");
    await writeFile(kustomization, before.replace(/^\s*- crds\.yaml\n/m, ""));
    const plan = await tazuna(["plan", "--detailed-exitcode", "-o", "json"]);
    await writeFile(kustomization, before);
    assert.ok(
      await exists(cluster().kubectl(), ["crd", "certificates.cert-manager.io"]),
      "a plan writes nothing",
    );
    const changes = PlanSchema.parse(JSON.parse(plan.stdout)).changes;
    const crd = changes.find((c) =>
      c.object.endsWith(":CustomResourceDefinition certificates.cert-manager.io"),
    );
    assert.equal(crd?.op, "keep", JSON.stringify(changes));
    assert.match(crd?.fields.join() ?? "", /--prune-crds/);
  });

  it("destroy deletes the objects, the CRDs last", async () => {
    const since = new Date().toISOString();
    const res = await tazuna(["destroy", "--yes"]);
    assert.equal(res.exitCode, 0, res.stderr);
    const k = cluster().kubectl();
    assert.equal(await exists(k, ["namespace", "argocd"]), false);
    assert.equal(await exists(k, ["clusterrole", "release-moved"]), false);
    assert.equal(
      await exists(k, ["crd", "certificates.cert-manager.io"]),
      false,
      "nothing the stack installed is left",
    );
    const w = await writes(since);
    const lastCrd = w.findLastIndex((x) => x.startsWith("delete customresourcedefinitions/"));
    const firstOther = w.findIndex(
      (x) => x.startsWith("delete ") && !x.includes("customresourcedefinitions/"),
    );
    assert.ok(firstOther >= 0 && lastCrd > firstOther, w.join("\n"));
    assert.ok(
      w
        .filter((x) => x.startsWith("delete "))
        .slice(-1)[0]
        ?.startsWith("delete customresourcedefinitions/"),
      `CRDs last: ${w.join(", ")}`,
    );
  });

  it("unmodified upstream content: the Prometheus Operator's CRDs and Argo CD's install, as released", async () => {
    dir = (await scratchProject()).dir;
    await mkdir(path.join(dir, "ns"));
    await writeFile(
      path.join(dir, "ns/ns.yaml"),
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: argocd}\n",
    );
    await writeFile(
      path.join(dir, "tazuna.yaml"),
      stringify({
        spec: {
          manifests: [
            { name: "ns", type: "manifests", path: "ns" },
            { name: "crds", type: "manifests", path: UPSTREAM_CRDS },
            {
              name: "argocd",
              type: "manifests",
              path: ARGO_CD,
              namespace: "argocd",
              dependsOn: ["ns"],
              manifests: { files: ["install.yaml"] },
            },
          ],
        },
      }),
    );
    const res = await tazuna(["apply", "--yes"]);
    assert.equal(res.exitCode, 0, res.stderr);
    const k = cluster().kubectl();
    const crds = (await k(["get", "crds", "-o", "name"]))
      .split("\n")
      .filter((l) => l.includes("monitoring.coreos.com"));
    assert.equal(crds.length, 10, crds.join(", "));
    // client-node's typed serializer dropped this key of CRD schemas; the API server then refused the CRD.
    const schema = await k(["get", "crd", "servicemonitors.monitoring.coreos.com", "-o", "json"]);
    assert.match(schema, /"x-kubernetes-int-or-string": true/);
    assert.ok(await exists(k, ["deployment", "argocd-server", "-n", "argocd"]));
    const plan = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 0, `the plan after apply is empty\n${plan.stdout}\n${plan.stderr}`);
    const destroy = await tazuna(["destroy", "--yes"]);
    assert.equal(destroy.exitCode, 0, destroy.stderr);
    assert.equal(
      await exists(k, ["namespace", "argocd"]),
      false,
      "Argo CD's install is gone with its release",
    );
  });

  it("a per-object stack is taken over in place: no object written, nothing deleted, the next plan empty", async () => {
    dir = (await scratchProject()).dir;
    const before = new Date().toISOString();
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    assert.ok((await writes(before)).length > 20, "the control: the objects were written");
    await asPerObjectStack();
    const { types: perObject } = await checkpoint();
    assert.ok(perObject.filter((t) => t.startsWith("kubernetes:")).length > 20, perObject.join("\n"));
    const plan = await tazuna(["plan", "--detailed-exitcode"]);
    assert.match(plan.stdout + plan.stderr, /upgrade\s+state[\s\S]*nothing is deleted/);
    const since = new Date().toISOString();
    const res = await tazuna(["apply", "--yes"]);
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stderr + res.stdout, /per-object resource\(s\) left state; nothing was deleted/);
    assert.deepEqual(await writes(since), [], "zero writes to the cluster (audit log)");
    const { types, releases } = await checkpoint();
    assert.equal(releases.length, 5, types.join("\n"));
    assert.deepEqual(
      types.filter((t) => t.startsWith("kubernetes:") || t === "pulumi:providers:kubernetes"),
      [],
      "the per-object resources and their provider left state",
    );
    assert.ok(await exists(cluster().kubectl(), ["deployment", "argocd-server", "-n", "argocd"]));
    const next = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(next.exitCode, 0, `the next plan is empty\n${next.stdout}\n${next.stderr}`);
    assert.match(next.stdout + next.stderr, /no changes/);
    // Last in this file: the cluster keeps the example.
  });

  it("TAZUNA_ENGINE=objects (the removed per-object engine) is refused, saying what to do", async () => {
    const res = await tazuna(["plan", "--detailed-exitcode"], { TAZUNA_ENGINE: "objects" });
    assert.equal(res.exitCode, 1, res.stderr);
    assert.match(res.stderr, /per-object engine, which was removed[\s\S]*fix: unset TAZUNA_ENGINE/);
    const control = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(control.exitCode, 0, control.stderr);
  });

  /**
   * Makes the stack and the cluster what Tazuna 0.x's per-object engine left
   * (the engine that wrote them is gone): each object applied with the
   * provider's directive annotations under the field manager "tazuna", and
   * in state one Kubernetes resource per object under a ConfigGroup per
   * add-on, with the provider that applied them, instead of the releases.
   */
  async function asPerObjectStack(): Promise<void> {
    const built = await tazuna(["build", "--show-secrets"]);
    assert.equal(built.exitCode, 0, built.stderr);
    const objects = parseAllDocuments(built.stdout)
      .map((d) => d.toJS() as Obj | null)
      .filter((o): o is Obj => o !== null);
    const directives = (o: Obj) => ({
      "pulumi.com/patchForce": "true",
      "pulumi.com/patchFieldManager": "tazuna",
      ...(SKIP_AWAIT_KINDS.has(o.kind) ? { "pulumi.com/skipAwait": "true" } : {}),
    });
    const withDirectives = objects.map((o) => ({
      ...o,
      metadata: { ...o.metadata, annotations: { ...(o.metadata.annotations ?? {}), ...directives(o) } },
    }));
    await cluster().kubectl()(
      ["apply", "--server-side", "--force-conflicts", "--field-manager=tazuna", "-f", "-"],
      JSON.stringify({ apiVersion: "v1", kind: "List", items: withDirectives }),
    );
    const file = path.join(
      dir,
      ".tazuna/state/.pulumi/stacks",
      builtInProjectName(dir),
      `${cluster().context}.json`,
    );
    const doc = JSON.parse(await readFile(file, "utf8")) as {
      checkpoint: { latest: { resources: StateRow[] } };
    };
    const rows = doc.checkpoint.latest.resources;
    const stackUrn = rows[0]?.urn ?? "";
    const base = stackUrn.split("::").slice(0, 2).join("::");
    const provider = {
      urn: `${base}::pulumi:providers:kubernetes::cluster`,
      id: "8d5ad4e2-0000-4000-8000-000000000000",
    };
    const byKey = new Map(
      withDirectives.map((o) => [`${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`, o]),
    );
    const next: StateRow[] = [
      rows[0] as StateRow,
      {
        urn: provider.urn,
        custom: true,
        id: provider.id,
        type: "pulumi:providers:kubernetes",
        parent: stackUrn,
        inputs: { context: cluster().context, version: "4.25.0" },
        outputs: { context: cluster().context, version: "4.25.0" },
      },
    ];
    for (const r of rows.slice(1)) {
      if (!r.type.endsWith("tazuna:Release")) {
        next.push(r);
        continue;
      }
      const addon = r.urn.split("::").pop() ?? "";
      const group = `${base}::tazuna:index:Addon$kubernetes:yaml/v2:ConfigGroup::${addon}`;
      next.push({
        urn: group,
        custom: false,
        type: "kubernetes:yaml/v2:ConfigGroup",
        parent: r.parent ?? "",
      });
      for (const e of (r.outputs?.inventory ?? []) as {
        apiVersion: string;
        kind: string;
        namespace?: string;
        name: string;
      }[]) {
        const o = byKey.get(`${e.kind}/${e.namespace ?? ""}/${e.name}`);
        assert.ok(o, `${e.kind} ${e.name} rendered`);
        const [group_, version] = e.apiVersion.includes("/")
          ? e.apiVersion.split("/")
          : ["core", e.apiVersion];
        const type = `kubernetes:${group_}/${version}:${e.kind}`;
        const name = e.namespace ? `${e.namespace}/${e.name}` : e.name;
        next.push({
          urn: `${base}::tazuna:index:Addon$kubernetes:yaml/v2:ConfigGroup$${type}::${name}`,
          custom: true,
          id: name,
          type,
          parent: group,
          provider: `${provider.urn}::${provider.id}`,
          inputs: o,
          outputs: { ...o, __inputs: o, __fieldManager: "tazuna" },
        });
      }
    }
    // What depended on a release depended on its add-on's ConfigGroup and objects.
    const swap = (urns: string[]) =>
      urns.flatMap((d) => {
        if (!d.includes("tazuna:Release::")) return [d];
        const group = `${base}::tazuna:index:Addon$kubernetes:yaml/v2:ConfigGroup::${d.split("::").pop() ?? ""}`;
        return next.filter((r) => r.urn === group || r.parent === group).map((r) => r.urn);
      });
    for (const r of next) {
      if (Array.isArray(r.dependencies)) r.dependencies = swap(r.dependencies as string[]);
      const byProp = r.propertyDependencies as Record<string, string[]> | undefined;
      if (byProp) for (const k of Object.keys(byProp)) byProp[k] = swap(byProp[k] ?? []);
    }
    doc.checkpoint.latest.resources = next;
    await writeFile(file, JSON.stringify(doc, null, 2));
  }
});
