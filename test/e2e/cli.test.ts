/**
 * The tazuna command end to end, through the built tazuna command, against a local control
 * plane: check, plan exit codes, apply, no-op plan, JSON output, destroy
 * safety, and the guard's exit code.
 */
import { strict as assert } from "node:assert";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { useCluster } from "./cluster-fixture";
import { checkedJson } from "../schema-check";
import { PASSPHRASE, exists, field, scratchProject } from "./tazuna-fixture";
import { TAZUNA_BIN as BIN } from "../tazuna";

describe("tazuna init", function () {
  this.timeout(60_000);
  it("writes a starter project that passes check, and never overwrites", async () => {
    const dir = (await scratchProject()).dir + "-init";
    const run = (args: string[]) => execa(BIN, ["-p", dir, ...args], { reject: false, stdin: "ignore" });
    const first = await run(["init", "--cluster", "dev", "--context", "kind-dev"]);
    assert.equal(first.exitCode, 0, first.stderr);
    assert.match(first.stdout, /wrote stacks\/Pulumi\.dev\.yaml/);
    const check = await run(["check"]);
    assert.equal(check.exitCode, 0, check.stderr);
    assert.match(check.stdout, /ok: .*for cluster dev \(1 add-ons\)/);
    const again = await run(["init"]);
    assert.equal(again.exitCode, 1);
    assert.match(again.stderr, /not overwriting tazuna\.yaml[\s\S]*--force to overwrite them/);
    // The Go tool's init --force: the skeleton written again over the edited file.
    await writeFile(path.join(dir, "tazuna.yaml"), "# edited by hand\n");
    const forced = await run(["init", "--force", "--cluster", "dev", "--context", "kind-dev"]);
    assert.equal(forced.exitCode, 0, forced.stderr);
    assert.match(forced.stdout, /overwrote tazuna\.yaml/);
    assert.match(await readFile(path.join(dir, "tazuna.yaml"), "utf8"), /kind: Tazuna/);
  });
});

describe("tazuna graph", function () {
  this.timeout(60_000);
  it("renders the example's graph as svg offline, with every add-on and edge", async () => {
    const res = await execa(BIN, ["graph", "--cluster", "local", "--format", "svg"], {
      cwd: path.resolve(__dirname, "../.."),
      reject: false,
    });
    assert.equal(res.exitCode, 0, res.stderr);
    assert.match(res.stdout, /^<\?xml[\s\S]*<svg /);
    for (const a of ["cni", "cert-manager", "ingress", "metrics", "argocd"])
      assert.match(res.stdout, new RegExp(`<title>${a.replace("-", "&#45;")}</title>`), `node ${a}`);
    assert.match(
      res.stdout,
      /<title>cert&#45;manager&#45;&gt;argocd<\/title>/,
      "edge cert-manager -> argocd",
    );
    const bad = await execa(BIN, ["graph", "--cluster", "local", "--format", "png"], {
      cwd: path.resolve(__dirname, "../.."),
      reject: false,
    });
    assert.equal(bad.exitCode, 1);
    assert.match(bad.stderr, /unknown --format png; use mermaid, dot or svg/);
  });
});

describe("tazuna build, tags, version (no cluster)", function () {
  this.timeout(120_000);
  const repo = path.resolve(__dirname, "../..");
  const run = (args: string[]) => execa(BIN, args, { cwd: repo, reject: false, stdin: "ignore" });

  it("build renders every add-on; --tags writes the tagged ones and their dependencies", async () => {
    const all = await run(["build", "--cluster", "local"]);
    assert.equal(all.exitCode, 0, all.stderr);
    assert.equal(all.stdout.match(/^kind: /gm)?.length, 24, "every object of the example");
    assert.match(all.stdout, /^kind: Deployment\nmetadata:\n {2}name: argocd-server/m);
    const out = path.join((await scratchProject()).dir, "rendered");
    const tagged = await run(["build", "--cluster", "local", "--tags", "edge", "--out", out]);
    assert.equal(tagged.exitCode, 0, tagged.stderr);
    assert.match(tagged.stderr, /also rendering dependencies: cni/);
    assert.deepEqual((await readdir(out)).sort(), ["cni.yaml", "ingress.yaml"]);
    assert.match(await readFile(path.join(out, "ingress.yaml"), "utf8"), /name: ingress-controller/);
  });

  it("--help, check, build, graph and tags never load the Pulumi or Kubernetes SDKs", async () => {
    // A preload that reports which of the heavy SDKs the command loads (any of their modules), on stderr.
    const hook = path.join((await scratchProject()).dir, "..", "report-sdks.js");
    await writeFile(
      hook,
      `const M = require("module"); const load = M._load; const seen = new Set();
M._load = function (r, ...rest) { const m = /^(@pulumi\\/pulumi|@pulumi\\/kubernetes|@kubernetes\\/client-node)(\\/|$)/.exec(r); if (m && !seen.has(m[1])) { seen.add(m[1]); process.stderr.write("SDK " + m[1] + "\\n"); } return load.call(this, r, ...rest); };`,
    );
    const sdks = async (args: string[]) => {
      const res = await execa(process.execPath, ["-r", hook, BIN, ...args], {
        cwd: repo,
        reject: false,
        stdin: "ignore",
      });
      return res.stderr
        .split("\n")
        .filter((l) => l.startsWith("SDK "))
        .sort();
    };
    for (const args of [["--help"], ["check"], ["build", "--cluster", "local"], ["graph"], ["tags"]])
      assert.deepEqual(await sdks(args), [], `tazuna ${args.join(" ")}`);
    // The control: the detector sees the SDK that the engine side loads.
    const control = await execa(
      process.execPath,
      ["-r", hook, "-e", `require(${JSON.stringify(path.join(repo, "dist/program/program.js"))})`],
      {
        reject: false,
      },
    );
    assert.match(control.stderr, /^SDK @pulumi\/pulumi$/m, control.stderr);
  });

  it("tags lists each tag with its add-ons; version names every pinned tool", async () => {
    const tags = await run(["tags", "--cluster", "local"]);
    assert.equal(tags.exitCode, 0, tags.stderr);
    assert.match(tags.stdout, /^network\tcni, ingress$/m);
    const version = await run(["version"]);
    assert.equal(version.exitCode, 0, version.stderr);
    for (const line of [
      /^pulumi\tv3\.248\.0$/m,
      /^pulumi-resource-kubernetes\t4\.25\.0$/m,
      /^kustomize\tv5\.8\.2$/m,
      /^helm\tv3\.22\.0$/m,
      /^helmfile\tv1\.8\.0$/m,
      /^kubectl\tv1\.37\.2$/m,
    ])
      assert.match(version.stdout, line);
  });
});

describe("tazuna CLI (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-cli");
  let dir: string;

  const tazuna = (args: string[]) =>
    execa(BIN, ["-p", dir, ...args], {
      reject: false,
      stdin: "ignore",
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
    });

  before(async () => {
    dir = (await scratchProject()).dir;
    await mkdir(path.join(dir, "stacks"));
    const stack = (context: string) =>
      stringify({
        config: {
          "tazuna:context": context,
          "tazuna:kubeconfig": cluster().kubeconfig,
          "tazuna:vars": { overlay: "local" },
        },
      });
    await writeFile(path.join(dir, "stacks/Pulumi.local.yaml"), stack(cluster().context));
    // A context that context_matches (^tazuna-) refuses.
    await writeFile(path.join(dir, "stacks/Pulumi.wrong.yaml"), stack("other-cli"));
  });

  it("check validates every stack: 0 when valid, 1 with the problem when not", async () => {
    const wrongKc = path.join(dir, "stacks/Pulumi.wrong.yaml");
    await writeFile(wrongKc, (await readFile(wrongKc, "utf8")).replace("tazuna:context", "tazuna:contxt"));
    const bad = await tazuna(["check"]);
    assert.equal(bad.exitCode, 1);
    assert.match(
      bad.stderr,
      /Pulumi\.wrong\.yaml: config\.tazuna:contxt: unknown setting[\s\S]*did you mean "tazuna:context"/,
    );
    assert.match(bad.stdout, /ok: .*tazuna\.yaml for cluster local \(5 add-ons\)/);
    await writeFile(wrongKc, (await readFile(wrongKc, "utf8")).replace("tazuna:contxt", "tazuna:context"));
    assert.equal((await tazuna(["check"])).exitCode, 0);
  });

  it("plan lists changes per add-on before the first apply: exit 0 as the Go tool's, 2 with --detailed-exitcode", async () => {
    const plain = await tazuna(["plan", "--cluster", "local"]);
    assert.equal(plain.exitCode, 0, plain.stderr);
    assert.match(plain.stdout, /cluster local: \d+ changes/);
    const res = await tazuna(["plan", "--detailed-exitcode", "--cluster", "local"]);
    assert.equal(res.exitCode, 2, res.stderr);
    assert.match(res.stdout, /cluster local: \d+ changes/);
    assert.match(
      res.stdout,
      /\n {2}cert-manager\n(?: {4}.*\n)*? {4}\+ create {2}apps\/v1:Deployment cert-manager\/cert-manager/,
    );
  });

  it("apply --tags applies the tagged add-ons and what they depend on, nothing else, and says so", async () => {
    const res = await tazuna(["apply", "--cluster", "local", "--yes", "--tags", "edge", "-o", "json"]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.match(res.stderr, /--tags edge: applying ingress, and cni that they depend on/);
    const doc = checkedJson<{
      addons: string[];
      tags: string[];
      result: string;
      changes: { addon: string }[];
    }>("apply", res.stdout);
    assert.deepEqual([doc.result, doc.tags, doc.addons], ["succeeded", ["edge"], ["cni", "ingress"]]);
    assert.deepEqual([...new Set(doc.changes.map((c) => c.addon))].sort(), ["(cluster)", "cni", "ingress"]);
    const k = cluster().kubectl();
    assert.ok(await exists(k, ["deployment", "ingress-controller", "-n", "ingress-system"]));
    assert.ok(await exists(k, ["daemonset", "fake-cni", "-n", "kube-system"]));
    assert.equal(await exists(k, ["namespace", "cert-manager"]), false, "untagged add-ons are not applied");
    const unknown = await tazuna(["apply", "--cluster", "local", "--yes", "--tags", "nope"]);
    assert.equal(unknown.exitCode, 1);
    assert.match(
      unknown.stderr,
      /no add-on has tag nope\n {2}fix: use one of edge, gitops, network, observability, security/,
    );
  });

  it("apply --yes applies everything", async () => {
    const res = await tazuna(["apply", "--cluster", "local", "--yes"]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.match(res.stdout, /cluster local: succeeded/);
    assert.match(res.stderr, /argocd: ready/);
    assert.ok(!`${res.stdout}${res.stderr}`.includes("\u001b["), "no color codes when not on a terminal");
    assert.ok(await exists(cluster().kubectl(), ["deployment", "argocd-server", "-n", "argocd"]));
  });

  it("a second apply while another holds the stack's lock fails with exit 4, naming the holder", async () => {
    // A spec-level test that passes only once we say so keeps the first apply
    // inside its update, holding the lock, for as long as the test needs.
    const file = path.join(dir, "tazuna.yaml");
    const text = await readFile(file, "utf8");
    const gate =
      '  tests:\n    - name: go-ahead\n      waitUntil: {kind: ConfigMap, name: go-ahead, namespace: default, jsonpath: "{.data.ok}=yes", timeout: 3m}\n';
    await writeFile(file, text.replace("spec:\n", `spec:\n${gate}`));
    const first = tazuna(["apply", "--cluster", "local", "--yes"]);
    const locks = path.join(dir, ".tazuna/state/.pulumi/locks");
    const deadline = Date.now() + 60_000;
    const locked = async () =>
      (await readdir(locks, { recursive: true }).catch(() => [])).some((f) => String(f).endsWith(".json"));
    while (Date.now() < deadline && !(await locked())) await new Promise((r) => setTimeout(r, 100));
    const second = await tazuna(["apply", "--cluster", "local", "--yes"]);
    await cluster().kubectl()(["create", "configmap", "go-ahead", "-n", "default", "--from-literal=ok=yes"]);
    const done = await first;
    await writeFile(file, text);
    assert.equal(done.exitCode, 0, done.stderr);
    assert.equal(second.exitCode, 4, `${second.stdout}\n${second.stderr}`);
    assert.match(second.stderr, /currently locked/);
    assert.match(second.stderr, /pid \d+/, `names the holder:\n${second.stderr}`);
    const back = await tazuna(["apply", "--cluster", "local", "--yes"]);
    assert.equal(back.exitCode, 0, back.stderr);
    assert.match(
      back.stderr,
      /- delete {2}test test-go-ahead/,
      `the spec-level test goes with the declaration:\n${back.stdout}\n${back.stderr}`,
    );
    await cluster().kubectl()(["delete", "configmap", "go-ahead", "-n", "default"]);
  });

  it("plan exits 0 on the converged cluster, and --output json says so", async () => {
    const text = await tazuna(["plan", "--detailed-exitcode", "--cluster", "local"]);
    assert.equal(text.exitCode, 0, `${text.stdout}\n${text.stderr}`);
    assert.match(text.stdout, /cluster local: no changes/);
    const json = await tazuna(["plan", "--detailed-exitcode", "--cluster", "local", "--output", "json"]);
    assert.deepEqual(checkedJson("plan", json.stdout), {
      schemaVersion: 1,
      cluster: "local",
      changes: [],
      vars: { overlay: "stacks/Pulumi.local.yaml" },
    });
  });

  it("state list shows what is installed; state diff compares the declaration without the cluster", async () => {
    const list = await tazuna(["state", "list", "--cluster", "local"]);
    assert.equal(list.exitCode, 0, list.stderr);
    assert.match(list.stdout, /^argocd\tDeployment\targocd\targocd-server$/m);
    const json = checkedJson<{ schemaVersion: number; objects: { addon: string }[] }>(
      "state-list",
      (await tazuna(["state", "list", "--cluster", "local", "-o", "json"])).stdout,
    );
    assert.equal(json.schemaVersion, 1);
    assert.deepEqual([...new Set(json.objects.map((o) => o.addon))].sort(), [
      "argocd",
      "cert-manager",
      "cni",
      "ingress",
      "metrics",
    ]);

    const same = await tazuna(["state", "diff", "--detailed-exitcode", "--cluster", "local"]);
    assert.equal(same.exitCode, 0, `${same.stdout}\n${same.stderr}`);
    assert.match(same.stdout, /declaration and state agree/);
    const file = path.join(dir, "tazuna.yaml");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace("replicaCount: 2", "replicaCount: 5"));
    const changed = await tazuna(["state", "diff", "--detailed-exitcode", "--cluster", "local"]);
    const changedJson = checkedJson<{ diff: unknown[] }>(
      "state-diff",
      (await tazuna(["state", "diff", "--detailed-exitcode", "--cluster", "local", "-o", "json"])).stdout,
    );
    await writeFile(file, text);
    assert.equal(changedJson.diff.length, 1);
    assert.equal(changed.exitCode, 2);
    assert.equal(changed.stdout.trim(), "modified\tingress\tDeployment\tingress-system\tingress-controller");
  });

  it("state drift finds hand edits, hand deletes and undeclared leftovers; apply puts the declaration back", async () => {
    const clean = await tazuna(["state", "drift", "--detailed-exitcode", "--cluster", "local"]);
    assert.equal(clean.exitCode, 0, `${clean.stdout}\n${clean.stderr}`);
    assert.match(clean.stdout, /cluster local: no drift/);
    const k = cluster().kubectl();
    await k(["scale", "deployment", "ingress-controller", "-n", "ingress-system", "--replicas=1"]);
    await k(["delete", "configmap", "argocd-cm", "-n", "argocd"]);
    await k(["create", "configmap", "hand-made", "-n", "argocd", "--from-literal=a=b"]);
    const plainDrift = await tazuna(["state", "drift", "--cluster", "local"]);
    assert.equal(plainDrift.exitCode, 0, "drift found is no failure without --detailed-exitcode");
    const drift = await tazuna(["state", "drift", "--detailed-exitcode", "--cluster", "local"]);
    assert.equal(drift.exitCode, 2, drift.stderr);
    assert.deepEqual(drift.stdout.split("\n").filter(Boolean).sort(), [
      "changed\tingress\tDeployment\tingress-system\tingress-controller\tspec.replicas",
      "deleted\targocd\tConfigMap\targocd\targocd-cm\t",
      "undeclared\t-\tConfigMap\targocd\thand-made\t",
    ]);
    const json = checkedJson<{ schemaVersion: number; drift: unknown[] }>(
      "drift",
      (await tazuna(["state", "drift", "--detailed-exitcode", "--cluster", "local", "-o", "json"])).stdout,
    );
    assert.equal(json.schemaVersion, 1);
    assert.equal(json.drift.length, 3);

    const apply = await tazuna(["apply", "--cluster", "local", "--yes"]);
    assert.equal(apply.exitCode, 0, apply.stderr);
    assert.equal(await field(k, "deployment/ingress-controller", "ingress-system", "{.spec.replicas}"), "2");
    assert.ok(await exists(k, ["configmap", "argocd-cm", "-n", "argocd"]));
    const after = await tazuna(["state", "drift", "--detailed-exitcode", "--cluster", "local"]);
    assert.equal(
      after.stdout.replace(/\n$/, ""),
      "undeclared\t-\tConfigMap\targocd\thand-made\t",
      "leftovers are reported, never deleted",
    );

    // Dropping them is asked for: listed in the plan, then deleted, and only them.
    const pruned = await tazuna(["apply", "--cluster", "local", "--yes", "--prune-leftovers", "-o", "json"]);
    assert.equal(pruned.exitCode, 0, pruned.stderr);
    assert.match(pruned.stderr, /leftovers to delete[^\n]*\n {2}- ConfigMap\/hand-made -n argocd/);
    const result = checkedJson<{ prunedLeftovers: string[] }>("apply", pruned.stdout);
    assert.deepEqual(result.prunedLeftovers, ["ConfigMap/hand-made -n argocd"]);
    assert.equal(await exists(k, ["configmap", "hand-made", "-n", "argocd"]), false);
    assert.ok(await exists(k, ["configmap", "argocd-cm", "-n", "argocd"]), "declared objects stay");
    const clean2 = await tazuna(["state", "drift", "--detailed-exitcode", "--cluster", "local"]);
    assert.equal(clean2.exitCode, 0, clean2.stdout);

    // --tags on a stack that holds every add-on: the others are left as they are, not deleted.
    const tagged = await tazuna(["apply", "--cluster", "local", "--yes", "--tags", "edge"]);
    assert.equal(tagged.exitCode, 0, tagged.stderr);
    assert.ok(await exists(k, ["namespace", "cert-manager"]), "an untagged add-on stays");
    const plan = await tazuna(["plan", "--detailed-exitcode", "--cluster", "local"]);
    assert.equal(plan.exitCode, 0, `${plan.stdout}\n${plan.stderr}`);
  });

  it("status shows readiness now, per add-on, and the last apply", async () => {
    const ok = await tazuna(["status", "--cluster", "local"]);
    assert.equal(ok.exitCode, 0, ok.stderr);
    assert.match(ok.stdout, /last update succeeded/);
    assert.match(ok.stdout, /cert-manager\s+\S+\s+[0-9a-f]{12}\s+\d+ objects {2}ready/);
    // Break cert-manager by hand: its new pods can never be scheduled.
    await cluster().kubectl()([
      "patch",
      "deployment",
      "cert-manager",
      "-n",
      "cert-manager",
      "--type",
      "merge",
      "-p",
      '{"spec":{"template":{"spec":{"nodeSelector":{"tazuna.dev/none":"x"}}}}}',
    ]);
    const json = checkedJson<{
      addons: { addon: string; ready: boolean; notReady: string[]; digest: string; version: string }[];
    }>("status", (await tazuna(["status", "--cluster", "local", "-o", "json"])).stdout);
    for (const a of json.addons) assert.match(a.digest, /^sha256:[0-9a-f]{64}$/, `${a.addon} has its digest`);
    assert.equal(
      json.addons.find((a) => a.addon === "ingress")?.version,
      "ingress-lite-0.3.0",
      "the chart's label",
    );
    const cm = json.addons.find((a) => a.addon === "cert-manager");
    assert.equal(cm?.ready, false);
    assert.deepEqual(cm?.notReady, ["Deployment/cert-manager/cert-manager"]);
    assert.equal(json.addons.find((a) => a.addon === "argocd")?.ready, true);
  });

  it("the guard refuses a context outside context_matches with exit 3", async () => {
    const res = await tazuna(["apply", "--cluster", "wrong", "--yes"]);
    assert.equal(res.exitCode, 3, `${res.stdout}\n${res.stderr}`);
    const json = await tazuna(["plan", "--detailed-exitcode", "--cluster", "wrong", "-o", "json"]);
    assert.equal(json.exitCode, 3);
    assert.equal(checkedJson<{ error: { exitCode: number } }>("error", json.stdout).error.exitCode, 3);
    assert.match(res.stderr, /kubeconfig context "other-cli" does not match spec\.context_matches/);
    const destroy = await tazuna(["destroy", "--cluster", "wrong", "--yes"]);
    assert.equal(destroy.exitCode, 3, `${destroy.stdout}\n${destroy.stderr}`);
    assert.match(destroy.stderr, /does not match spec\.context_matches/);
  });

  it("destroy refuses without --yes when not on a terminal; --dry-run lists; --yes deletes", async () => {
    const refused = await tazuna(["destroy", "--cluster", "local"]);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /needs --yes/);
    assert.ok(
      await exists(cluster().kubectl(), ["deployment", "argocd-server", "-n", "argocd"]),
      "nothing was deleted",
    );
    const dry = await tazuna(["destroy", "--cluster", "local", "--dry-run"]);
    assert.match(dry.stdout, /^argocd\tDeployment\targocd\targocd-server$/m);
    const res = await tazuna(["destroy", "--cluster", "local", "--yes"]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.equal(await exists(cluster().kubectl(), ["namespace", "argocd"]), false);
  });
});
