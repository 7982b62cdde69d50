/**
 * Upstream-shaped releases: a chart with weighted hooks, a test hook and an
 * HPA; Argo CD's unmodified install; the hand-off. Each step witnessed by
 * the API server's audit log.
 */
import { strict as assert } from "node:assert";
import { readFile, readdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { execa } from "execa";
import { exists } from "./tazuna-fixture";
import { argocd, at, extras, useSafetyProject, web } from "./safety-fixture";

/** Every file of a file backend, as one text. */
async function stateText(root: string): Promise<string> {
  const files = await readdir(root, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    files.filter((f) => f.isFile()).map((f) => readFile(path.join(f.parentPath, f.name), "utf8")),
  );
  return texts.join("\n");
}

describe("hooks, field ownership and the hand-off with upstream content (e2e)", function () {
  this.timeout(900_000);
  const p = useSafetyProject("tazuna-safety-up", [extras, web]);
  const { cluster, tazuna, declare, mark, writes, dir: project } = p;

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
    // Hooks run from the release's manifest file, never through state (not even encrypted).
    const state = await stateText(path.join(project(), ".tazuna/state"));
    assert.match(state, /"name": ?"web"/, "the control: the release's inventory names its Deployment");
    assert.doesNotMatch(state, /web-migrate|web-check/, "no hook in state");
    const plan = await tazuna(["plan", "--detailed-exitcode"]);
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
    const plan = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 0, `${plan.stdout}\n${plan.stderr}`);
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    assert.deepEqual((await writes()).map(at), [], "no write at all");
    assert.equal(await replicas("web"), "3");
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

  it("handOff: the GitOps controller's changes are not fought, and removing the add-on deletes nothing", async () => {
    const gitops = {
      name: "gitops",
      type: "manifests",
      path: "gitops",
      dependsOn: ["extras"],
      handOff: true,
    };
    await declare([extras, gitops]);
    const installed = await tazuna(["apply", "--yes"]);
    assert.equal(installed.exitCode, 0, installed.stderr);
    const k = cluster().kubectl();
    assert.ok(await exists(k, ["deployment", "gitops-server", "-n", "apps"]), "day one: created");
    // What the controller does once it manages itself: it changes its own objects.
    await k([
      "patch",
      "configmap",
      "gitops-cm",
      "-n",
      "apps",
      "--type=merge",
      "-p",
      '{"data":{"url":"https://gitops.example"}}',
    ]);
    await k(["scale", "deployment", "gitops-server", "-n", "apps", "--replicas=2"]);
    mark();
    const again = await tazuna(["apply", "--yes"]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, /no changes|0 change/, again.stdout);
    // Removed from the declaration; in the same apply, a change to a managed object (the control).
    await declare([extras]);
    const file = path.join(project(), "extras/configmap-extras.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace('"no"', '"off"'));
    const removed = await tazuna(["apply", "--yes"]);
    assert.equal(removed.exitCode, 0, removed.stderr);
    const handedOff = (await writes()).filter((e) => /^gitops-/.test(e.objectRef?.name ?? ""));
    assert.deepEqual(handedOff.map(at), [], "no write to a handed-off object");
    assert.equal(
      await k(["get", "configmap", "gitops-cm", "-n", "apps", "-o", "jsonpath={.data.url}"]),
      "https://gitops.example",
    );
    assert.equal(
      await k(["get", "deployment", "gitops-server", "-n", "apps", "-o", "jsonpath={.spec.replicas}"]),
      "2",
    );
    assert.ok(
      (await writes()).some((e) => e.objectRef?.name === "extras"),
      "control: a managed object's change is written",
    );
  });
});
