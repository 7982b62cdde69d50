/**
 * The first month of a platform team, with upstream-shaped content: the
 * Prometheus Operator's CRDs (one of them 833 KB) with a custom resource
 * declared and one made by hand, a chart with weighted hooks, a test hook
 * and an HPA. Each step is witnessed by the API server's audit log.
 */
import { strict as assert } from "node:assert";
import { cp, mkdtemp, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { persistedWritesBy, readAudit, type AuditEvent } from "../audit";
import { useCluster } from "./cluster-fixture";
import { PASSPHRASE, exists } from "./tazuna-fixture";

const BIN = path.resolve(__dirname, "../../dist/cli/bin.js"); // npm test builds it first
const FIXTURE = path.resolve(__dirname, "../fixtures/safety");
const ARGO_CD = path.resolve(__dirname, "../../../shared/upstream/argo-cd-v3.5.1");
const CRDS = path.resolve(__dirname, "../../../shared/upstream/prometheus-operator-v0.93.0-crds");

interface Entry {
  name: string;
  handOff?: boolean;
  type: string;
  path: string;
  dependsOn?: string[];
  namespace?: string;
  manifests?: { files: string[] };
  helm?: Record<string, unknown>;
}

const crdAddon = (name: string): Entry => ({
  name,
  type: "manifests",
  path: CRDS,
  manifests: {
    files: ["monitoring.coreos.com_prometheuses.yaml", "monitoring.coreos.com_servicemonitors.yaml"],
  },
});

/** Argo CD's unmodified cluster install, into the argocd namespace that extras holds. */
const argocd: Entry = {
  name: "argocd",
  type: "manifests",
  path: ARGO_CD,
  namespace: "argocd",
  dependsOn: ["extras"],
  manifests: { files: ["install.yaml"] },
};

const at = (e: AuditEvent) => `${e.verb} ${e.objectRef?.resource ?? ""} ${e.objectRef?.name ?? ""}`;

describe("safe with upstream-shaped content and first-month operations (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-safety");
  let dir: string;
  let since: string;
  const tazuna = (args: string[]) =>
    execa(BIN, ["-p", dir, "--cluster", "local", ...args], {
      reject: false,
      stdin: "ignore",
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
    });
  const declare = (entries: Entry[]) =>
    writeFile(
      path.join(dir, "tazuna.yaml"),
      stringify({
        apiVersion: "tazuna.pepabo.com/v1",
        kind: "Tazuna",
        spec: { context_matches: ["tazuna-.*"], manifests: entries },
      }),
    );
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
  const writes = async () => persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, since);
  const mark = () => {
    since = new Date().toISOString();
  };
  const web: Entry = {
    name: "web",
    type: "helm",
    path: "charts/web",
    namespace: "apps",
    dependsOn: ["extras"],
    helm: { releaseName: "web" },
  };
  const monitors = (crds: string): Entry => ({
    name: "monitors",
    type: "manifests",
    path: "monitors",
    dependsOn: [crds, "extras"],
  });
  // Holds the apps Namespace: removing another add-on never takes the namespace with it.
  const extras: Entry = { name: "extras", type: "manifests", path: "extras" };

  before(async () => {
    dir = path.join(await mkdtemp(path.join(tmpdir(), "tazuna-safety-")), "project");
    await cp(FIXTURE, dir, { recursive: true });
    await mkdir(path.join(dir, "stacks"));
    const config = { "tazuna:context": cluster().context, "tazuna:kubeconfig": cluster().kubeconfig };
    await writeFile(path.join(dir, "stacks", "Pulumi.local.yaml"), stringify({ config }));
    await declare([extras, crdAddon("monitoring-crds"), monitors("monitoring-crds"), web]);
  });

  it("runs helm hooks in order around the release, deletes them after success, never applies a test hook", async () => {
    mark();
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, `${applied.stdout}\n${applied.stderr}`);
    const w = await writes();
    const first = (verb: string, resource: string, name: string) =>
      w.findIndex((e) => e.verb === verb && e.objectRef?.resource === resource && e.objectRef?.name === name);
    const migrate = first("create", "jobs", "web-migrate");
    const deploy = w.findIndex((e) => e.objectRef?.resource === "deployments" && e.objectRef?.name === "web");
    const checkSa = first("patch", "serviceaccounts", "web-check");
    const check = first("patch", "jobs", "web-check");
    assert.ok(migrate >= 0 || first("patch", "jobs", "web-migrate") >= 0, w.map(at).join("\n"));
    const migrateAt = Math.max(migrate, first("patch", "jobs", "web-migrate"));
    assert.ok(migrateAt < deploy, "the pre-install hook runs before the release's objects");
    assert.ok(deploy < checkSa && checkSa < check, "post-install hooks after, by weight (-5 before 1)");
    for (const [resource, name] of [
      ["jobs", "web-migrate"],
      ["jobs", "web-check"],
      ["serviceaccounts", "web-check"],
    ] as const)
      assert.ok(first("delete", resource, name) >= 0, `${resource}/${name} deleted after success`);
    assert.equal(
      w.filter((e) => e.objectRef?.name === "web-test-connection").length,
      0,
      "the test hook is never applied",
    );
    const k = cluster().kubectl();
    assert.equal(await exists(k, ["job", "web-check", "-n", "apps"]), false);
    const plan = await tazuna(["plan"]);
    assert.equal(plan.exitCode, 0, `${plan.stdout}\n${plan.stderr}`);
  });

  it("leaves spec.replicas to the HPA: it scales the Deployment and the next plan and apply change nothing", async () => {
    const k = cluster().kubectl();
    const replicas = (name: string) =>
      k(["get", "deployment", name, "-n", "apps", "-o", "jsonpath={.spec.replicas}"]);
    const deadline = Date.now() + 120_000;
    while ((await replicas("web")) !== "3" && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await replicas("web"), "3", "the HPA controller raised it to minReplicas");
    // The positive control: a Deployment no HPA scales keeps the declared count, owned by Tazuna.
    const owned = (name: string) =>
      k(["get", "deployment", name, "-n", "apps", "--show-managed-fields", "-o", "json"]).then((t) =>
        (
          JSON.parse(t) as { metadata: { managedFields: { manager: string; fieldsV1?: unknown }[] } }
        ).metadata.managedFields.some(
          (m) => m.manager === "tazuna" && JSON.stringify(m.fieldsV1).includes('"f:replicas"'),
        ),
      );
    assert.equal(
      await owned("web-worker"),
      true,
      "Tazuna owns the replicas it declares, as field manager tazuna",
    );
    assert.equal(await owned("web"), false, "and not those an HPA scales");
    mark();
    const plan = await tazuna(["plan"]);
    assert.equal(plan.exitCode, 0, `${plan.stdout}\n${plan.stderr}`);
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    assert.deepEqual((await writes()).map(at), [], "no write at all");
    assert.equal(await replicas("web"), "3");
  });

  it("renames the add-on that owns the CRDs and moves an object between add-ons with no delete", async () => {
    const k = cluster().kubectl();
    await handMadeMonitor("hand-made");
    await rename(
      path.join(dir, "monitors/configmap-moving.yaml"),
      path.join(dir, "extras/configmap-moving.yaml"),
    );
    await declare([extras, crdAddon("prometheus-crds"), monitors("prometheus-crds"), web]);
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
    const plan = await tazuna(["plan"]);
    assert.equal(plan.exitCode, 0, `${plan.stdout}\n${plan.stderr}`);
    const status = await tazuna(["status", "-o", "json"]);
    const objects = (JSON.parse(status.stdout) as { addons: { addon: string; objects: number }[] }).addons;
    assert.deepEqual(
      objects.map((a) => `${a.addon}=${a.objects}`).sort(),
      ["extras=4", "monitors=1", "prometheus-crds=2", "web=3"],
      "the moved ConfigMap counts under extras now",
    );
  });

  it("refuses the same object in two add-ons, naming both, with zero writes", async () => {
    await cp(
      path.join(dir, "extras/configmap-moving.yaml"),
      path.join(dir, "monitors/configmap-moving.yaml"),
    );
    mark();
    const plan = await tazuna(["apply", "--yes"]);
    assert.equal(plan.exitCode, 1, plan.stderr);
    assert.match(
      plan.stderr,
      /add-ons "(monitors" and "extras|extras" and "monitors)" both render ConfigMap apps\/moving/,
    );
    assert.deepEqual((await writes()).map(at), []);
    await execa("rm", [path.join(dir, "monitors/configmap-moving.yaml")]);
  });

  it("keeps the CRDs of a removed add-on, says why, and deletes them only with --prune-crds", async () => {
    await declare([extras, web]);
    const plan = await tazuna(["plan"]);
    assert.equal(plan.exitCode, 2, plan.stderr);
    assert.match(
      plan.stdout,
      /= keep\s+apiextensions.k8s.io\/v1:CustomResourceDefinition prometheuses.monitoring.coreos.com\s+\(a CRD outlives its add-on/,
    );
    mark();
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    const k = cluster().kubectl();
    assert.ok(await exists(k, ["crd", "servicemonitors.monitoring.coreos.com"]), "kept");
    assert.ok(await exists(k, ["servicemonitor", "hand-made", "-n", "default"]), "with its custom resources");
    assert.equal(
      await exists(k, ["servicemonitor", "web", "-n", "apps"]),
      false,
      "the declared one went with its add-on",
    );
    const deleted = (await writes()).filter((e) => e.verb === "delete").map(at);
    assert.ok(deleted.includes("delete servicemonitors web"), deleted.join("\n"));
    assert.ok(!deleted.some((d) => d.includes("customresourcedefinitions")), deleted.join("\n"));
    const again = await tazuna(["plan"]);
    assert.equal(again.exitCode, 0, again.stdout);

    // Back under Tazuna (the live CRDs are taken over, not recreated), then removed with --prune-crds.
    await declare([extras, crdAddon("prometheus-crds"), web]);
    const back = await tazuna(["apply", "--yes"]);
    assert.equal(back.exitCode, 0, back.stderr);
    await declare([extras, web]);
    const pruned = await tazuna(["apply", "--yes", "--prune-crds"]);
    assert.equal(pruned.exitCode, 0, pruned.stderr);
    assert.match(
      pruned.stderr,
      /--prune-crds: deleted .*servicemonitors.monitoring.coreos.com.* and 1 custom resource/,
    );
    assert.equal(await exists(k, ["crd", "servicemonitors.monitoring.coreos.com"]), false);
  });

  it("destroy deletes CRDs last and counts the custom resources that go with them", async () => {
    await declare([extras, crdAddon("prometheus-crds"), web]);
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
    assert.equal((await readFile(path.join(dir, "tazuna.yaml"), "utf8")).length > 0, true);
  });

  it("tazuna build | kubectl diff --server-side shows nothing after tazuna apply of Argo CD's unmodified install", async () => {
    await declare([extras, argocd]);
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    const built = await tazuna(["build"]);
    assert.equal(built.exitCode, 0, built.stderr);
    assert.match(built.stdout, /- "no"\n/, "argocd-redis's argument stays a string");
    // Under Tazuna's field manager, as the Go tool applied: another manager would conflict on
    // atomic structs the API server defaults (env valueFrom.fieldRef), even with equal content.
    const kubectlDiff = async (input: string) => {
      const res = await execa(
        "kubectl",
        [
          ...["--kubeconfig", cluster().kubeconfig, "--context", cluster().context],
          ...["diff", "--server-side", "--field-manager=tazuna", "-f", "-"],
        ],
        { input, reject: false },
      );
      assert.ok(res.exitCode === 0 || res.exitCode === 1, res.stderr);
      // Changed lines, but those of Tazuna's provider directives (annotations build does not print,
      // and the annotations map of an object that has only those).
      return res.stdout
        .split("\n")
        .filter((l) => /^[+-] /.test(l) && !/pulumi\.com\/|^[+-]\s+(generation|annotations):/.test(l));
    };
    assert.deepEqual(await kubectlDiff(built.stdout), [], "the same objects");
    // Control: a changed value in the built output is a difference.
    assert.notDeepEqual(await kubectlDiff(built.stdout.replace('- "no"', '- "yes"')), []);
  });

  it("handOff: Argo CD's changes are not fought, and removing the add-on deletes nothing", async () => {
    await declare([extras, { ...argocd, handOff: true }]);
    const handedOff = await tazuna(["apply", "--yes"]);
    assert.equal(handedOff.exitCode, 0, handedOff.stderr);
    const k = cluster().kubectl();
    // What Argo CD does once it manages itself: it changes its own objects.
    await k([
      "patch",
      "configmap",
      "argocd-cm",
      "-n",
      "argocd",
      "--type=merge",
      "-p",
      '{"data":{"url":"https://argocd.example"}}',
    ]);
    await k(["scale", "deployment", "argocd-server", "-n", "argocd", "--replicas=2"]);
    mark();
    const again = await tazuna(["apply", "--yes"]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, /no changes|0 change/, again.stdout);
    // Removed from the declaration; in the same apply, a change to a managed object (the control).
    await declare([extras]);
    const file = path.join(dir, "extras/configmap-extras.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace('"no"', '"off"'));
    const removed = await tazuna(["apply", "--yes"]);
    assert.equal(removed.exitCode, 0, removed.stderr);
    const argoWrites = (await writes()).filter(
      (e) =>
        e.objectRef?.namespace === "argocd" ||
        /argocd|argoproj/.test(e.objectRef?.name ?? e.objectRef?.apiGroup ?? ""),
    );
    assert.deepEqual(argoWrites.map(at), [], "no write to a handed-off object");
    assert.equal(
      await k(["get", "configmap", "argocd-cm", "-n", "argocd", "-o", "jsonpath={.data.url}"]),
      "https://argocd.example",
    );
    assert.ok(await exists(k, ["crd", "applications.argoproj.io"]));
    assert.ok(await exists(k, ["deployment", "argocd-server", "-n", "argocd"]));
    assert.ok(
      (await writes()).some((e) => e.objectRef?.name === "extras"),
      "control: a managed object's change is written",
    );
  });
});
