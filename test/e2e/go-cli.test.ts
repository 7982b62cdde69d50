/**
 * The Go tool's command lines and their meaning on a real cluster: what
 * leaves the declaration is deleted or left by --prune / --no-prune /
 * tazuna:prune (the plan says which), destroy -t and its refusal,
 * TAZUNA_DESTROY_EXECUTABLE, -l debug. The API server's audit log is the
 * witness of every delete and of every delete that did not happen.
 */
import { strict as assert } from "node:assert";
import { mkdir, mkdtemp, readFile, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { parse, stringify } from "yaml";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { persistedWritesBy, readAudit } from "../audit";
import { useCluster } from "./cluster-fixture";
import { exists } from "./tazuna-fixture";
import { TAZUNA_BIN as BIN, tazunaIn } from "../tazuna";

const configMap = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: go-cli}\ndata: {from: ${name}}\n`;

describe("the Go tool's command lines: prune, destroy -t, the kill switch, -l debug (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-go-cli");
  let dir = "";
  let since = "";
  const tazuna = tazunaIn(() => dir, { cluster: "local" });
  /** Each add-on's ConfigMaps (base also holds the namespace); apps and tools run on base. */
  const declare = async (objects: Record<string, string[]>) => {
    const manifests = [];
    for (const [name, maps] of Object.entries(objects)) {
      await mkdir(path.join(dir, name), { recursive: true });
      const ns = name === "base" ? "apiVersion: v1\nkind: Namespace\nmetadata: {name: go-cli}\n---\n" : "";
      await writeFile(path.join(dir, name, "objects.yaml"), ns + maps.map(configMap).join("---\n"));
      manifests.push({
        name,
        type: "manifests",
        path: name,
        tags: [name],
        ...(name === "base" ? {} : { dependsOn: ["base"] }),
      });
    }
    await writeFile(
      path.join(dir, "tazuna.yaml"),
      stringify({ apiVersion: "tazuna.pepabo.com/v1", kind: "Tazuna", spec: { manifests } }),
    );
  };
  const stackFile = (extra: Record<string, unknown> = {}) =>
    writeFile(
      path.join(dir, "stacks", "Pulumi.local.yaml"),
      stringify({
        config: {
          "tazuna:context": cluster().context,
          "tazuna:kubeconfig": cluster().kubeconfig,
          ...extra,
        },
      }),
    );
  const mark = () => {
    since = new Date().toISOString();
  };
  const deletes = async () =>
    persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, since)
      .filter((e) => e.verb === "delete")
      .map((e) => `${e.objectRef?.resource ?? ""} ${e.objectRef?.name ?? ""}`)
      .sort();
  /** The audit log is written a moment after the request; a delete that happened shows by then. */
  const settle = () => new Promise((r) => setTimeout(r, 1500));
  const live = (name: string) => exists(cluster().kubectl(), ["configmap", name, "-n", "go-cli"]);

  before(async () => {
    dir = path.join(await mkdtemp(path.join(tmpdir(), "tazuna-go-cli-")), "project");
    await mkdir(path.join(dir, "stacks"), { recursive: true });
    await stackFile();
    await declare({ base: ["a", "b"], apps: ["app-1"], tools: ["tool-1", "tool-2"] });
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, `${applied.stdout}\n${applied.stderr}`);
  });

  it("apply --no-prune leaves what left the declaration (no DELETE); the plan said what decides", async () => {
    await declare({ base: ["a"], apps: ["app-1"], tools: ["tool-1", "tool-2"] });
    const plan = await tazuna(["plan"]);
    assert.equal(plan.exitCode, 0, plan.stderr);
    assert.match(
      plan.stdout,
      /- delete {2}core\/v1:ConfigMap go-cli\/b {2}\(deleted: tazuna:prune unset, true by default\)/,
    );
    const kept = await tazuna(["plan", "--no-prune"]);
    assert.match(
      kept.stdout,
      /= keep {4}core\/v1:ConfigMap go-cli\/b {2}\(left in the cluster, no longer managed: --no-prune\)/,
    );
    mark();
    const applied = await tazuna(["apply", "--yes", "--no-prune"]);
    assert.equal(applied.exitCode, 0, `${applied.stdout}\n${applied.stderr}`);
    assert.match(applied.stderr, /left in the cluster, no longer managed \(--no-prune\): 1 object/);
    await settle();
    assert.deepEqual(await deletes(), []);
    assert.ok(await live("b"));
    // Out of the inventory: a leftover, as state drift lists them.
    const drift = await tazuna(["state", "drift", "--detailed-exitcode"]);
    assert.equal(drift.exitCode, 2, drift.stdout);
    assert.match(drift.stdout, /undeclared\t-\tConfigMap\tgo-cli\tb/);
  });

  it("tazuna:prune: false is the default then, for removed objects and removed add-ons; --prune overrides it", async () => {
    await stackFile({ "tazuna:prune": false });
    await declare({ base: ["a"], tools: ["tool-1"] });
    const plan = await tazuna(["plan"]);
    assert.match(
      plan.stdout,
      /= keep {4}core\/v1:ConfigMap go-cli\/tool-2 {2}\(left in the cluster, no longer managed: tazuna:prune: false\)/,
    );
    assert.match(
      plan.stdout,
      /= keep {4}core\/v1:ConfigMap go-cli\/app-1 {2}\(left in the cluster, no longer managed: tazuna:prune: false\)/,
    );
    mark();
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, `${applied.stdout}\n${applied.stderr}`);
    await settle();
    assert.deepEqual(await deletes(), [], "neither the object nor the removed add-on's");
    assert.ok((await live("tool-2")) && (await live("app-1")));

    await declare({ base: ["a"], tools: [] });
    const forced = await tazuna(["plan", "--prune"]);
    assert.match(forced.stdout, /- delete {2}core\/v1:ConfigMap go-cli\/tool-1 {2}\(deleted: --prune\)/);
    mark();
    const pruned = await tazuna(["apply", "--yes", "--prune"]);
    assert.equal(pruned.exitCode, 0, `${pruned.stdout}\n${pruned.stderr}`);
    await settle();
    assert.deepEqual(await deletes(), ["configmaps tool-1"]);
    await stackFile();
  });

  it("destroy -t refuses when an add-on that stays depends on one that goes, with zero deletes", async () => {
    await declare({ base: ["a"], tools: ["tool-1"] });
    assert.equal((await tazuna(["apply", "--yes"])).exitCode, 0);
    // plan -t: the tagged add-on and what it depends on; the others' changes are not shown.
    await declare({ base: ["a", "c"], tools: ["tool-1", "tool-3"] });
    const tagged = await tazuna(["plan", "-t", "base"]);
    assert.equal(tagged.exitCode, 0, tagged.stderr);
    assert.match(tagged.stderr, /--tags base: planning base/);
    assert.match(tagged.stdout, /\+ create {2}core\/v1:ConfigMap go-cli\/c/);
    assert.doesNotMatch(tagged.stdout, /tool-3/);
    assert.match((await tazuna(["plan"])).stdout, /tool-3/, "the control: the whole plan has it");
    await declare({ base: ["a"], tools: ["tool-1"] });
    mark();
    const refused = await tazuna(["destroy", "--force", "-t", "base"]);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /tools \(stays\) depends on base \(goes\)/);
    await settle();
    assert.deepEqual(await deletes(), []);
  });

  it("destroy --force -t deletes only the tagged add-on's objects", async () => {
    mark();
    const res = await tazuna(["destroy", "--force", "-t", "tools"]);
    assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stderr, /--tags tools: destroying tools\n {2}tools: nothing depends on it/);
    await settle();
    assert.deepEqual(await deletes(), ["configmaps tool-1"]);
    assert.ok(await live("a"), "base stays");
    const list = await tazuna(["state", "list"]);
    assert.doesNotMatch(list.stdout, /tools/);
    assert.match(list.stdout, /base\tConfigMap\tgo-cli\ta/);
  });

  it("TAZUNA_DESTROY_EXECUTABLE=false refuses destroy before it starts (exit 1, zero deletes); true lets it run", async () => {
    mark();
    const refused = await tazuna(["destroy", "--yes"], { TAZUNA_DESTROY_EXECUTABLE: "false" });
    assert.equal(refused.exitCode, 1);
    assert.match(
      refused.stderr,
      /TAZUNA_DESTROY_EXECUTABLE="false" forbids destroy[\s\S]*fix: unset TAZUNA_DESTROY_EXECUTABLE/,
    );
    await settle();
    assert.deepEqual(await deletes(), []);
    const allowed = await tazuna(["destroy", "--dry-run"], { TAZUNA_DESTROY_EXECUTABLE: "t" });
    assert.equal(allowed.exitCode, 0, allowed.stderr);
    assert.match(allowed.stdout, /base\tConfigMap\tgo-cli\ta/);
  });

  it("-l debug prints each command line and where the engine's log is; an error with its stack", async () => {
    const res = await tazuna(["-l", "debug", "plan"]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.match(res.stderr, /^debug: exec: kubectl /m);
    assert.match(res.stderr, /^debug: exec: pulumi --logflow -v=3 preview /m);
    assert.match(res.stderr, /^debug: engine log: \S+pulumi\.INFO/m);
    const quiet = await tazuna(["plan"]);
    assert.doesNotMatch(quiet.stderr, /debug:/, "the control: info prints none of it");
    const failed = await tazuna(["-l", "debug", "plan", "-t", "nope"]);
    assert.equal(failed.exitCode, 1);
    assert.match(failed.stderr, /error: --tags: no add-on has tag nope[\s\S]*\n\s+at /);
  });

  it("bash completion, as a shell runs it: clusters from stacks/, tags from tazuna.yaml", async () => {
    const bin = await mkdtemp(path.join(tmpdir(), "tazuna-bin-"));
    await symlink(BIN, path.join(bin, "tazuna"));
    const tab = (words: string[]) =>
      execa(
        "bash",
        [
          "-c",
          `source <(tazuna completion bash); COMP_WORDS=(tazuna ${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length}; _tazuna; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { env: { PATH: `${bin}:${process.env.PATH ?? ""}` } },
      );
    assert.deepEqual((await tab(["-p", dir, "plan", "--cluster", ""])).stdout.split("\n"), ["local"]);
    assert.deepEqual((await tab(["-p", dir, "destroy", "-t", "t"])).stdout.split("\n"), ["tools"]);
    assert.deepEqual((await tab(["sta"])).stdout.split("\n"), ["state", "status"]);
  });

  it("version prints the Go tool's line first", async () => {
    const res = await execa(BIN, ["version"], { reject: false });
    assert.match(
      res.stdout.split("\n")[0] ?? "",
      /^tazuna \d+\.\d+\.\d+ \(commit [0-9a-f]{12}(-dirty)?, built \S+, linux\/(amd64|arm64)\)$/,
    );
    assert.equal((await execa(BIN, ["--version"])).stdout, res.stdout.split("\n")[0]);
  });
  it("status per object: Ready, NotReady with kstatus' reason, Missing; a Job complete, a CRD Established", async () => {
    const kinds = path.join(dir, "kinds");
    await mkdir(kinds, { recursive: true });
    await writeFile(
      path.join(kinds, "objects.yaml"),
      [
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.go-cli.example.com}\nspec:\n  group: go-cli.example.com\n  names: {kind: Widget, plural: widgets, singular: widget}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}\n",
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: once, namespace: go-cli}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: once, image: registry.invalid/once:1}]\n",
        // No node has this label: its pod stays Pending, so the rollout never completes.
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: stuck, namespace: go-cli}\nspec:\n  replicas: 1\n  progressDeadlineSeconds: 600\n  selector: {matchLabels: {app: stuck}}\n  template:\n    metadata: {labels: {app: stuck}}\n    spec:\n      nodeSelector: {go-cli.example.com/none: "true"}\n      containers: [{name: stuck, image: registry.invalid/stuck:1}]\n',
        configMap("doomed"),
      ].join("---\n"),
    );
    await declare({ base: ["a"] });
    const file = path.join(dir, "tazuna.yaml");
    const doc = parse(await readFile(file, "utf8")) as { spec: { manifests: unknown[] } };
    doc.spec.manifests.push({
      name: "kinds",
      type: "manifests",
      path: "kinds",
      dependsOn: ["base"],
      readiness: { skip: true },
    });
    await writeFile(file, stringify(doc));
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, `${applied.stdout}\n${applied.stderr}`);
    await cluster().kubectl()(["delete", "configmap", "doomed", "-n", "go-cli"]);
    type Status = { objects: { addon: string; kind: string; name: string; state: string; reason: string }[] };
    const of = (st: Status, name: string) => st.objects.find((o) => o.name === name);
    let status: Status | undefined;
    // The Job completes when kwok's pod-complete stage has run; asked again until it has (a minute at most).
    for (let i = 0; i < 30; i++) {
      const res = await tazuna(["status", "-o", "json"]);
      assert.equal(res.exitCode, 0, res.stderr);
      status = JSON.parse(res.stdout) as Status;
      if (of(status, "once")?.state === "Ready") break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    const s = status as Status;
    assert.deepEqual(of(s, "widgets.go-cli.example.com"), {
      addon: "kinds",
      kind: "CustomResourceDefinition",
      namespace: "",
      name: "widgets.go-cli.example.com",
      state: "Ready",
      reason: "",
    });
    assert.equal(of(s, "once")?.state, "Ready", JSON.stringify(of(s, "once")));
    assert.equal(of(s, "stuck")?.state, "NotReady");
    assert.match(
      of(s, "stuck")?.reason ?? "",
      /0 of 1 updated replicas are available|new replicas have been updated/,
    );
    assert.deepEqual([of(s, "doomed")?.state, of(s, "doomed")?.reason], ["Missing", "not found"]);
    assert.equal(of(s, "a")?.state, "Ready");
    const text = await tazuna(["status"]);
    assert.match(text.stdout, /^ {2}kinds .* not ready: 2 of 4$/m);
    assert.match(text.stdout, /^ {4}NotReady Deployment go-cli\/stuck {2}\(/m);
    assert.match(text.stdout, /^ {4}Missing {2}ConfigMap go-cli\/doomed {2}\(not found\)$/m);
  });
});
