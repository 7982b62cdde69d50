/**
 * The core promise, against the real engine and the local control plane:
 * tazuna.yaml applied from an empty cluster in dependency order, re-runnable
 * as a no-op, converging on changes (update, prune, removed add-on), and
 * destroyed back to the starting state. The cluster is checked with kubectl
 * and the API server's audit log, never with Pulumi's outputs.
 */
import { strict as assert } from "node:assert";
import { statSync } from "node:fs";
import { readFile, writeFile, rm } from "node:fs/promises";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { execa } from "execa";
import { stringify } from "yaml";
import { OFFLINE_ENV } from "../../src/engine/process";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { destroyStack } from "../../src/engine/destroy";
import { persistedWritesBy, readAudit, writesBy, type AuditEvent } from "../audit";
import type { StackSettings } from "../../src/config/settings";
import { projectOf } from "../../src/cli/project";
import { useCluster } from "./cluster-fixture";
import { PASSPHRASE, exists, field, inventory, scratchProject, tazunaStack } from "./tazuna-fixture";

/** Which add-on an audited write belongs to, by the namespaces and names of the example. */
function addonOf(e: AuditEvent): string | undefined {
  const ref = e.objectRef ?? {};
  if (ref.namespace === "argocd" || ref.name === "applications.argoproj.io") return "argocd";
  if (
    ref.namespace === "cert-manager" ||
    ref.apiGroup === "cert-manager.io" ||
    ref.name?.includes("cert-manager")
  )
    return "cert-manager";
  if (ref.namespace === "ingress-system" || ref.name === "lite") return "ingress";
  if (ref.name === "metrics-server") return "metrics";
  if (ref.name?.startsWith("fake-cni")) return "cni";
  return undefined;
}

const ROOT_PROJECT = projectOf({ project: path.resolve(__dirname, "../.."), output: "text" }).name;

describe("core: tazuna.yaml on a real cluster (e2e)", function () {
  this.timeout(1_200_000);
  const cluster = useCluster();
  let project: { dir: string; backend: string };
  let settings: StackSettings;
  let stack: () => Promise<Stack>;
  let before0: string[];
  let startedAt: string;

  before(async () => {
    project = await scratchProject();
    settings = { context: cluster().context, kubeconfig: cluster().kubeconfig, vars: { overlay: "local" } };
    // The checkout's own Pulumi project: plain `pulumi preview` in it must find this stack.
    stack = () => tazunaStack(project, "local", settings, ROOT_PROJECT);
    before0 = await inventory(cluster().kubectl());
    startedAt = new Date().toISOString();
  });

  it("applies every add-on to an empty cluster", async () => {
    const t0 = Date.now();
    const res = await (await stack()).up();
    console.log(
      `      (fresh apply: ${((Date.now() - t0) / 1000).toFixed(1)} s, ${Object.values(res.summary.resourceChanges ?? {}).reduce((a, b) => a + b, 0)} resources)`,
    );
    const k = cluster().kubectl();
    assert.ok(await exists(k, ["daemonset", "fake-cni", "-n", "kube-system"]));
    assert.equal(
      await field(
        k,
        "crd/certificates.cert-manager.io",
        undefined,
        "{.status.conditions[?(@.type=='Established')].status}",
      ),
      "True",
    );
    assert.ok(await exists(k, ["clusterissuer", "selfsigned"]));
    assert.equal(
      await field(
        k,
        "deployment/cert-manager",
        "cert-manager",
        "{.status.conditions[?(@.type=='Available')].status}",
      ),
      "True",
    );
    assert.equal(
      await field(k, "deployment/ingress-controller", "ingress-system", "{.status.readyReplicas}"),
      "2",
    );
    assert.ok(await exists(k, ["ingressclass", "lite"]));
    assert.equal(await field(k, "deployment/metrics-server", "kube-system", "{.status.readyReplicas}"), "1");
    assert.equal(await field(k, "deployment/argocd-server", "argocd", "{.status.readyReplicas}"), "1");
    assert.ok(await exists(k, ["applications.argoproj.io", "root", "-n", "argocd"]));
    assert.ok(await exists(k, ["certificates.cert-manager.io", "argocd-server-tls", "-n", "argocd"]));
  });

  it("follows dependsOn: an add-on's first write comes after its dependencies' last", async () => {
    const writes = writesBy(await readAudit(cluster().auditLog), ADMIN_USER, startedAt).filter(
      (e) => e.verb !== "delete",
    );
    const span = new Map<string, { first: string; last: string }>();
    for (const e of writes) {
      const a = addonOf(e);
      if (!a) continue;
      const s = span.get(a);
      span.set(a, { first: s?.first ?? e.stageTimestamp, last: e.stageTimestamp });
    }
    assert.deepEqual([...span.keys()].sort(), ["argocd", "cert-manager", "cni", "ingress", "metrics"]);
    const after = (a: string, dep: string) =>
      assert.ok(
        (span.get(a)?.first ?? "") > (span.get(dep)?.last ?? "~"),
        `${a} started before ${dep} finished: ${JSON.stringify(Object.fromEntries(span))}`,
      );
    after("cert-manager", "cni");
    after("ingress", "cni");
    after("metrics", "cni");
    after("argocd", "cert-manager");
    after("argocd", "ingress");
  });

  it("a second run is a no-op", async () => {
    const s = await stack();
    const pv = await s.preview({ expectNoChanges: true });
    assert.equal(pv.changeSummary.update ?? 0, 0);
    const t0 = Date.now();
    const up = await s.up();
    const stateFile = path.join(
      project.backend.replace("file://", ""),
      ".pulumi/stacks",
      ROOT_PROJECT,
      "local.json",
    );
    console.log(
      `      (no-op apply: ${((Date.now() - t0) / 1000).toFixed(1)} s; state file ${(statSync(stateFile).size / 1024).toFixed(0)} KiB)`,
    );
    const { same: _same, ...changed } = up.summary.resourceChanges ?? {};
    assert.deepEqual(changed, {});
  });

  it("plain `pulumi preview --expect-no-changes` in the project folder agrees, and fails on a change", async () => {
    const root = path.resolve(__dirname, "../..");
    const configFile = path.join(path.dirname(project.dir), "Pulumi.local.yaml");
    await writeFile(
      configFile,
      stringify({
        config: {
          "tazuna:context": settings.context,
          "tazuna:kubeconfig": settings.kubeconfig,
          "tazuna:file": path.join(project.dir, "tazuna.yaml"),
          "tazuna:vars": settings.vars,
        },
      }),
    );
    const env = { ...OFFLINE_ENV, PULUMI_BACKEND_URL: project.backend, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE };
    const preview = () =>
      execa(
        "pulumi",
        [
          "preview",
          "--stack",
          "local",
          "--config-file",
          configFile,
          "--expect-no-changes",
          "--diff",
          "--non-interactive",
        ],
        {
          cwd: root,
          env,
          reject: false,
        },
      );
    const same = await preview();
    assert.equal(same.exitCode, 0, `expected no changes:\n${same.stdout}\n${same.stderr}`);
    const file = path.join(project.dir, "tazuna.yaml");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace('static: "1"', 'static: "2"'));
    const changed = await preview();
    await writeFile(file, text);
    assert.equal(changed.exitCode, 7, `expected exit 7 (changes):\n${changed.stdout}\n${changed.stderr}`);
    // A release's plan reaches the engine's log (no URN to attach it to: the CLI prints it on stderr).
    assert.match(
      changed.stdout + changed.stderr,
      /~ apps\/v1:Deployment kube-system\/metrics-server\n\s+spec\.replicas: 1 => 2/,
    );
  });

  it("a changed value updates exactly that object, and plain preview shows its field", async () => {
    const file = path.join(project.dir, "tazuna.yaml");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace("replicaCount: 2", "replicaCount: 3"));
    const s = await stack();
    const steps: [string, string][] = [];
    const said: string[] = [];
    await s.preview({
      onEvent: (e) => {
        const m = e.resourcePreEvent?.metadata;
        if (m && m.op !== "same") steps.push([m.op, m.urn.split("::").slice(2).join("::")]);
        if (e.diagnosticEvent) said.push(e.diagnosticEvent.message);
      },
    });
    // The ingress release is the only one that changes (it waits for its rollout itself).
    assert.deepEqual(steps.sort(), [
      ["update", "tazuna:index:Addon$pulumi-nodejs:dynamic/tazuna:Release::ingress"],
    ]);
    // Without a plan folder (plain Pulumi), the release's plan goes to the engine's log.
    const plan = said.join("\n");
    assert.match(plan, /~ apps\/v1:Deployment ingress-system\/ingress-controller\n\s+spec\.replicas: 2 => 3/);
    assert.equal(plan.match(/^\s+[~+-] /gm)?.length, 1, plan);
    const from = new Date().toISOString();
    await s.up();
    const written = persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, from)
      .filter((e) => e.verb !== "get" && e.objectRef?.resource !== "events")
      .map((e) => `${e.verb} ${e.objectRef?.resource ?? ""} ${e.objectRef?.name ?? ""}`);
    assert.deepEqual([...new Set(written)], ["patch deployments ingress-controller"]);
    assert.equal(
      await field(
        cluster().kubectl(),
        "deployment/ingress-controller",
        "ingress-system",
        "{.status.readyReplicas}",
      ),
      "3",
    );
  });

  it("an object removed from the rendered output is deleted", async () => {
    const server = path.join(project.dir, "argocd/base/server.yaml");
    const text = await readFile(server, "utf8");
    await writeFile(server, text.split("---\n").slice(1).join("---\n"));
    const k = cluster().kubectl();
    assert.ok(await exists(k, ["configmap", "argocd-cm", "-n", "argocd"]));
    await (await stack()).up();
    assert.equal(await exists(k, ["configmap", "argocd-cm", "-n", "argocd"]), false);
    assert.ok(
      await exists(k, ["deployment", "argocd-server", "-n", "argocd"]),
      "the rest of the add-on stays",
    );
  });

  it("an add-on removed from tazuna.yaml is deleted", async () => {
    const file = path.join(project.dir, "tazuna.yaml");
    const text = await readFile(file, "utf8");
    const start = text.indexOf("    - name: metrics");
    const end = text.indexOf("    - name: argocd");
    await writeFile(file, text.slice(0, start) + text.slice(end));
    await rm(path.join(project.dir, "metrics"), { recursive: true });
    await (await stack()).up();
    assert.equal(
      await exists(cluster().kubectl(), ["deployment", "metrics-server", "-n", "kube-system"]),
      false,
    );
  });

  it("destroy returns the cluster to its starting state, CRDs (kept by apply) deleted last", async () => {
    const res = await destroyStack(await stack(), {
      kubeconfig: cluster().kubeconfig,
      context: cluster().context,
    });
    assert.equal(res.result, "succeeded");
    assert.ok(res.crds > 0, "the engine left the retained CRDs; Tazuna's destroy deleted them");
    assert.deepEqual(await inventory(cluster().kubectl()), before0);
  });
});
