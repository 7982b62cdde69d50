/**
 * Many clusters at once, through the built tazuna command, against three local control
 * planes side by side: --all with bounded concurrency and a summary, each
 * cluster guarded on its own, a failure in one leaving the others alone,
 * drift over the fleet, and diff-clusters between two of the same role.
 */
import { strict as assert } from "node:assert";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { stringify } from "yaml";
import type { LocalCluster } from "../../src/cluster/control-plane";
import { checkedJson } from "../schema-check";
import { useCluster } from "./cluster-fixture";
import { exists, field, scratchProject } from "./tazuna-fixture";
import { tazunaIn } from "../tazuna";

interface FanOut {
  exitCode: number;
  clusters: {
    cluster: string;
    exitCode: number;
    startedAt: number;
    elapsedMs: number;
    error?: string;
    result?: unknown;
  }[];
}

describe("a fleet of three clusters (e2e)", function () {
  this.timeout(1_200_000);
  const clusters: Record<string, () => LocalCluster> = {
    a: useCluster("tazuna-fleet-a"),
    b: useCluster("tazuna-fleet-b"),
    c: useCluster("tazuna-fleet-c"),
  };
  let dir: string;
  const on = (name: string): LocalCluster => {
    const get = clusters[name];
    if (!get) throw new Error(`no cluster ${name}`);
    return get();
  };

  const tazuna = tazunaIn(() => dir);

  const writeStack = (name: string, context: string, overlay = "local") =>
    writeFile(
      path.join(dir, `stacks/Pulumi.${name}.yaml`),
      stringify({
        config: {
          "tazuna:context": context,
          "tazuna:kubeconfig": clusters[name]?.().kubeconfig,
          "tazuna:vars": { overlay },
        },
      }),
    );

  before(async () => {
    dir = (await scratchProject()).dir;
    await mkdir(path.join(dir, "stacks"));
    for (const name of Object.keys(clusters)) await writeStack(name, clusters[name]?.().context ?? "");
    // A second overlay of the same role, with a bigger argocd-server, for diff-clusters.
    const overlays = path.join(dir, "argocd/overlays");
    await cp(path.join(overlays, "local"), path.join(overlays, "big"), { recursive: true });
    const k = path.join(overlays, "big/kustomization.yaml");
    await writeFile(k, `${await readFile(k, "utf8")}replicas:\n  - name: argocd-server\n    count: 3\n`);
  });

  it("apply --all applies every cluster, at most --concurrency at a time, and ends with one summary", async () => {
    const res = await tazuna(["apply", "--all", "--yes", "--concurrency", "2", "-o", "json"]);
    assert.equal(res.exitCode, 0, res.stderr);
    const doc = checkedJson<FanOut>("fan-out", res.stdout);
    assert.deepEqual(
      doc.clusters.map((c) => [c.cluster, c.exitCode]),
      [
        ["a", 0],
        ["b", 0],
        ["c", 0],
      ],
    );
    for (const c of doc.clusters) checkedJson("apply", JSON.stringify(c.result));
    // Bounded: no moment has more than two clusters running.
    const spans = doc.clusters.map((c) => [c.startedAt, c.startedAt + c.elapsedMs] as const);
    for (const [start] of spans) {
      const running = spans.filter(([s, e]) => s <= start && start < e).length;
      assert.ok(running <= 2, `${running} clusters ran at once with --concurrency 2`);
    }
    assert.match(res.stderr, /^a +│ /m, "each cluster's log lines carry its name");
    for (const name of Object.keys(clusters))
      assert.ok(await exists(on(name).kubectl(), ["deployment", "argocd-server", "-n", "argocd"]), name);
  });

  it("a cluster the guard refuses fails on its own; the others still run; the exit code says so", async () => {
    await writeStack("b", "not-a-tazuna-context");
    const res = await tazuna(["plan", "--detailed-exitcode", "--all"]).finally(() =>
      writeStack("b", on("b").context),
    );
    assert.equal(res.exitCode, 1, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /^cluster a: no changes$/m);
    assert.match(res.stdout, /^cluster c: no changes$/m);
    assert.match(res.stdout, /^cluster b: failed\n {2}guard: .*"not-a-tazuna-context"/m);
    const table = res.stdout.slice(res.stdout.indexOf("CLUSTER"));
    assert.match(table, /^CLUSTER +RESULT +EXIT +TIME +SUMMARY$/m);
    assert.match(table, /^a +ok +0 +[\d.]+s +no changes$/m);
    assert.match(table, /^b +failed +3 +[\d.]+s +guard: /m);
    assert.match(table, /^c +ok +0 +[\d.]+s +no changes$/m);
    assert.ok(
      await exists(on("b").kubectl(), ["deployment", "argocd-server", "-n", "argocd"]),
      "b untouched",
    );
    await writeStack("b", on("b").context);
  });

  it("state drift --all finds the hand edit in one cluster (exit 2); status --all reports each", async () => {
    await on("c").kubectl()([
      "scale",
      "deployment",
      "ingress-controller",
      "-n",
      "ingress-system",
      "--replicas=1",
    ]);
    const res = await tazuna(["state", "drift", "--detailed-exitcode", "--all", "-o", "json"]);
    assert.equal(res.exitCode, 2, res.stderr);
    const doc = checkedJson<FanOut>("fan-out", res.stdout);
    const drift = Object.fromEntries(
      doc.clusters.map((c) => [
        c.cluster,
        checkedJson<{ drift: { name: string; fields: string[] }[] }>("drift", JSON.stringify(c.result)).drift,
      ]),
    );
    assert.deepEqual(drift.a, []);
    assert.deepEqual(drift.b, []);
    assert.deepEqual(
      drift.c?.map((d) => [d.name, d.fields]),
      [["ingress-controller", ["spec.replicas"]]],
    );

    const status = await tazuna(["status", "--cluster", "a,c"]);
    assert.equal(status.exitCode, 0, status.stderr);
    assert.match(status.stdout, /^a +ok +0 +[\d.]+s +5 add-ons ready$/m);
    assert.match(status.stdout, /^c +ok +0 /m);
    assert.doesNotMatch(status.stdout, /^b /m, "only the clusters named");
  });

  it("a fleet split across CI jobs: each job's JSON, merged by tazuna summary, gives --all's results, table and exit code", async () => {
    // Jobs as a CI matrix would run them: one cluster, and a group. c still has the hand edit above.
    const jobs = path.join(path.dirname(dir), "jobs");
    await mkdir(jobs, { recursive: true });
    const job = async (file: string, cluster: string) => {
      const res = await tazuna(["state", "drift", "--detailed-exitcode", "--cluster", cluster, "-o", "json"]);
      await writeFile(path.join(jobs, file), res.stdout);
      return res.exitCode;
    };
    assert.equal(await job("a.json", "a"), 0);
    assert.equal(await job("b-c.json", "b,c"), 2);
    const files = ["a.json", "b-c.json"].map((f) => path.join(jobs, f));

    const merged = await tazuna(["summary", "-o", "json", "--detailed-exitcode", ...files]);
    assert.equal(merged.exitCode, 2, merged.stderr);
    const whole = await tazuna(["state", "drift", "--detailed-exitcode", "--all", "-o", "json"]);
    const results = (raw: string) =>
      checkedJson<FanOut & { command: string }>("fan-out", raw).clusters.map((c) => [
        c.cluster,
        c.exitCode,
        c.result,
      ]);
    assert.deepEqual(results(merged.stdout), results(whole.stdout), "the same results as one --all run");
    assert.equal(JSON.parse(merged.stdout).command, "state drift");

    // The table --all prints: CLUSTER RESULT EXIT TIME SUMMARY, TIME aside.
    const table = await tazuna(["summary", "--detailed-exitcode", ...files]);
    const rows = table.stdout
      .split("\n")
      .filter((l) => /^[abc] /.test(l))
      .map((l) => l.split(/ +/).slice(0, 3));
    const expected = checkedJson<FanOut>("fan-out", whole.stdout).clusters.map((c) => [
      c.cluster,
      c.exitCode === 0 ? "ok" : c.exitCode === 2 ? "changes" : "failed",
      String(c.exitCode),
    ]);
    assert.deepEqual(rows, expected, table.stdout);
    assert.equal(table.exitCode, 2);
    // Without the flag, changes found are no failure; the rows still say which cluster has them.
    const plain = await tazuna(["summary", ...files]);
    assert.equal(plain.exitCode, 0, plain.stdout);
    assert.match(plain.stdout, /^c +changes +2 /m);

    // A job that uploaded nothing is a failure once the fleet is named (--all).
    const missing = await tazuna(["summary", "--all", files[0] as string]);
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stdout, /^b +failed +1 +- +no result/m);
    const plan = path.join(jobs, "plan-a.json");
    await writeFile(
      plan,
      (await tazuna(["plan", "--detailed-exitcode", "--cluster", "a", "-o", "json"])).stdout,
    );
    const mixed = await tazuna(["summary", plan, files[1] as string]);
    assert.equal(mixed.exitCode, 1);
    assert.match(mixed.stderr, /different commands \(plan, state drift\)/);
  });

  it("diff-clusters shows what two clusters declare and run differently", async () => {
    const same = await tazuna(["diff-clusters", "a", "b"]);
    assert.equal(same.exitCode, 0, `${same.stdout}\n${same.stderr}`);
    assert.match(same.stdout, /declared: same\nlive: same/);

    await writeStack("c", on("c").context, "big");
    const res = await tazuna(["diff-clusters", "a", "c", "-o", "json", "--detailed-exitcode"]);
    assert.equal(res.exitCode, 2, res.stderr);
    const doc = checkedJson<{ declared: unknown[]; live: unknown[] }>("diff-clusters", res.stdout);
    assert.deepEqual(doc.declared, [
      {
        only: "both",
        addon: "argocd",
        kind: "Deployment",
        namespace: "argocd",
        name: "argocd-server",
        fields: ["spec.replicas"],
      },
    ]);
    assert.deepEqual(doc.live, [
      {
        only: "both",
        addon: "ingress",
        kind: "Deployment",
        namespace: "ingress-system",
        name: "ingress-controller",
        fields: ["spec.replicas"],
      },
    ]);
    const text = await tazuna(["diff-clusters", "a", "c"]);
    assert.match(text.stdout, /differs +argocd {2}Deployment argocd\/argocd-server {2}\(spec\.replicas\)/);

    // Applying c's own declaration makes the live clusters differ the same way the declarations do.
    assert.equal((await tazuna(["apply", "--cluster", "c", "--yes"])).exitCode, 0);
    assert.equal(
      await field(on("c").kubectl(), "deployment/argocd-server", "argocd", "{.spec.replicas}"),
      "3",
    );
    const after = checkedJson<{ live: { name: string }[] }>(
      "diff-clusters",
      (await tazuna(["diff-clusters", "a", "c", "-o", "json"])).stdout,
    );
    assert.deepEqual(
      after.live.map((d) => d.name),
      ["argocd-server"],
    );
  });

  it("plan --all -o markdown: a pull-request comment with a row per cluster and each add-on's changes; summary writes the same", async () => {
    await writeStack("c", on("c").context, "local");
    const res = await tazuna(["plan", "--all", "-o", "markdown"]);
    assert.equal(res.exitCode, 0, res.stderr);
    const md = res.stdout;
    assert.match(md, /^## Tazuna plan: 3 clusters$/m);
    assert.match(md, /^\| a \| no changes \| {2}\|$/m);
    assert.match(md, /^\| c \| 1 changes \| 1 to update \|$/m);
    assert.match(md, /^<details><summary><b>argocd<\/b>: 1 to update<\/summary>$/m);
    assert.match(md, /^\| ~ update \| `apps\/v1:Deployment argocd\/argocd-server` \| `spec\.replicas` \|$/m);
    assert.doesNotMatch(md, /│|CLUSTER +RESULT/, "no terminal table in the comment");
    const jobs = path.join(dir, "md-jobs");
    await mkdir(jobs, { recursive: true });
    const files = [];
    for (const name of ["a", "b", "c"]) {
      const file = path.join(jobs, `${name}.json`);
      await writeFile(file, (await tazuna(["plan", "--cluster", name, "-o", "json"])).stdout);
      files.push(file);
    }
    const merged = await tazuna(["summary", "-o", "markdown", ...files]);
    assert.equal(merged.exitCode, 0, merged.stderr);
    assert.equal(merged.stdout, md, "the jobs' plans merged read as the --all run's");
    const status = await tazuna(["status", "--cluster", "a", "-o", "markdown"]);
    assert.equal(status.exitCode, 1);
    assert.match(status.stderr, /tazuna status has no -o markdown[\s\S]*fix: use -o text or -o json/);
  });
});
