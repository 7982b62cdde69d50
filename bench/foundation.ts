/**
 * `npm run bench`: Tazuna against the kubectl floor, side by side in one run
 * on local control planes. The floor is a runbook that applies the same
 * rendered objects (`tazuna build --out`) per add-on in dependency order with
 * `kubectl apply --server-side`, then waits for CRDs Established and
 * rollouts done; its no-op pass does the same again. Each figure is a median
 * of BENCH_RUNS runs (default 3); the machine is shared and noisy, so only
 * the ratios count. Never part of the tests: timings are not assertions.
 *
 *   BENCH_RUNS=3 BENCH_SIZES=10,100,1000 BENCH_FLEET=1,3,5 npm run bench
 *
 * BENCH_SCENARIOS (default example,upstream,generated) picks the
 * scenarios: the example, unmodified upstream releases from ../shared/upstream
 * (the Prometheus Operator's CRDs and Argo CD's install), the generated sizes.
 *
 * Prints a table and writes bench/results/foundation.json.
 */
import { mkdirSync, watch } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { parseAllDocuments, stringify } from "yaml";
import { LocalCluster } from "../src/cluster/control-plane";
import { builtInProjectName } from "../src/cli/project";
import { loadDeclaration } from "../src/declaration/load";
import { layers } from "../src/graph/order";
import { generateFoundation, upstreamFoundation } from "./generate";
import { measured, median, type Measured } from "./measure";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "dist/cli/bin.js");
const EXAMPLE = path.join(ROOT, "examples/foundation");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES = (process.env.BENCH_SIZES ?? "10,100,1000").split(",").filter(Boolean).map(Number);
/** Which scenarios run: the example, unmodified upstream releases, the generated sizes. */
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? "example,upstream,generated").split(",");
const FLEET = (process.env.BENCH_FLEET ?? "1,3,5").split(",").filter(Boolean).map(Number);
const ENV = { PULUMI_CONFIG_PASSPHRASE: "bench-only" };

/** A throwaway copy of a foundation with one stack file per cluster (c0, c1, ...). */
async function project(
  source: string,
  clusters: LocalCluster[],
  vars: Record<string, string>,
): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), "tazuna-bench-")), "project");
  await cp(source, dir, { recursive: true });
  await mkdir(path.join(dir, "stacks"), { recursive: true });
  for (const [i, c] of clusters.entries()) {
    const config = { "tazuna:context": c.context, "tazuna:kubeconfig": c.kubeconfig, "tazuna:vars": vars };
    await writeFile(path.join(dir, `stacks/Pulumi.c${i}.yaml`), stringify({ config }));
  }
  return dir;
}

async function tazuna(dir: string, args: string[]): Promise<Measured> {
  return measured(process.execPath, [BIN, "-p", dir, ...args], ENV);
}

/** Renders once, as the floor's runbook would have it: one file per add-on, in dependency order. */
async function rendered(
  dir: string,
  vars: Record<string, string>,
): Promise<{ files: string[]; objects: number; objectBytes: number }> {
  const out = path.join(dir, "rendered");
  const res = await execa(
    process.execPath,
    [BIN, "-p", dir, "--cluster", "c0", "build", "--show-secrets", "--out", out],
    {
      env: ENV,
    },
  );
  if (res.exitCode !== 0) throw new Error(`tazuna build: ${res.stderr}`);
  const decl = await loadDeclaration(path.join(dir, "tazuna.yaml"), { variables: { cluster: "c0", vars } });
  const files = layers(decl.addons)
    .flat()
    .map((a) => path.join(out, `${a}.yaml`));
  let objects = 0;
  let objectBytes = 0;
  for (const f of files)
    for (const doc of parseAllDocuments(await readFile(f, "utf8"))) {
      const o: unknown = doc.toJS();
      if (!o) continue;
      objects++;
      objectBytes += JSON.stringify(o).length;
    }
  return { files, objects, objectBytes };
}

type Doc = { kind?: string; metadata?: { name?: string; namespace?: string } } | null;

/**
 * The floor: per add-on, its CRDs applied with kubectl apply --server-side
 * and waited for (Established), then the rest of its objects, then its
 * rollouts waited for: what a careful runbook does.
 */
/**
 * kubectl wait fails on a CRD the API server has not given conditions yet
 * (".status.conditions accessor error"), as with Argo CD's CRDs just
 * applied; a runbook tries again.
 */
async function waitEstablished(k: string[], names: string[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const res = await execa(
      "kubectl",
      [...k, "wait", "--for=condition=Established", "--timeout=300s", ...names],
      {
        reject: false,
      },
    );
    if (res.exitCode === 0) return;
    if (attempt >= 10 || !/accessor error/.test(String(res.stderr))) throw new Error(String(res.stderr));
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function floorPass(files: string[], c: LocalCluster): Promise<number> {
  const k = ["--kubeconfig", c.kubeconfig, "--context", c.context];
  const apply = (docs: Doc[]) =>
    execa(
      "kubectl",
      [...k, "apply", "--server-side", "--force-conflicts", "--field-manager=floor", "-f", "-"],
      // JSON: kubectl reads YAML 1.1, where Argo CD's unquoted-by-1.2 "no" would turn into false.
      { input: JSON.stringify({ apiVersion: "v1", kind: "List", items: docs }) },
    );
  const t0 = Date.now();
  for (const f of files) {
    const objs = parseAllDocuments(await readFile(f, "utf8"))
      .map((d) => d.toJS() as Doc)
      .filter((o) => o);
    const crds = objs.filter((o) => o?.kind === "CustomResourceDefinition");
    const rest = objs.filter((o) => o?.kind !== "CustomResourceDefinition");
    if (crds.length) {
      await apply(crds);
      const names = crds.map((o) => `crd/${o?.metadata?.name}`);
      await waitEstablished(k, names);
    }
    if (rest.length) await apply(rest);
    for (const o of rest)
      if (["Deployment", "StatefulSet", "DaemonSet"].includes(o?.kind ?? ""))
        await execa("kubectl", [
          ...k,
          ...[
            "rollout",
            "status",
            `${o?.kind}/${o?.metadata?.name}`,
            "-n",
            o?.metadata?.namespace ?? "default",
          ],
          "--timeout=300s",
        ]);
  }
  return Date.now() - t0;
}

/**
 * The floor of destroy: per add-on in reverse order, `kubectl delete --wait`
 * of its objects (CRDs kept back), then every CRD, last, as Tazuna does.
 */
async function floorDelete(files: string[], c: LocalCluster): Promise<number> {
  const k = ["--kubeconfig", c.kubeconfig, "--context", c.context];
  const del = (docs: Doc[]) =>
    execa("kubectl", [...k, "delete", "--wait", "--ignore-not-found", "--timeout=300s", "-f", "-"], {
      input: docs.map((d) => stringify(d)).join("---\n"),
    });
  const t0 = Date.now();
  const crds: Doc[] = [];
  for (const f of [...files].reverse()) {
    const objs = parseAllDocuments(await readFile(f, "utf8"))
      .map((d) => d.toJS() as Doc)
      .filter((o) => o);
    crds.push(...objs.filter((o) => o?.kind === "CustomResourceDefinition"));
    const rest = objs.filter((o) => o?.kind !== "CustomResourceDefinition");
    if (rest.length) await del(rest);
  }
  if (crds.length) await del(crds);
  return Date.now() - t0;
}

async function checkpointFile(dir: string): Promise<string> {
  const stacks = path.join(dir, ".tazuna/state/.pulumi/stacks");
  const files = (await readdir(stacks, { recursive: true })).filter((f) => String(f).endsWith("c0.json"));
  return path.join(stacks, String(files[0]));
}

interface StateResource {
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  dependencies?: unknown;
  propertyDependencies?: unknown;
  stackTrace?: unknown;
  sourcePosition?: unknown;
}

/** Where the checkpoint's bytes go, as shares of its size: what to cut first. */
async function stateParts(file: string): Promise<Record<string, number>> {
  const text = await readFile(file, "utf8");
  const doc = JSON.parse(text) as { checkpoint: { latest: { resources?: StateResource[] } } };
  const size = (v: unknown) => (v === undefined ? 0 : JSON.stringify(v).length);
  const parts = { inputs: 0, outputs: 0, outputsInputsCopy: 0, dependencies: 0, provider: 0, stackTrace: 0 };
  for (const r of doc.checkpoint.latest.resources ?? []) {
    const { __inputs, __provider: outProvider, ...outs } = r.outputs ?? {};
    const { __provider: inProvider, ...ins } = r.inputs ?? {};
    parts.inputs += size(ins);
    parts.outputs += size(outs);
    parts.outputsInputsCopy += size(__inputs);
    parts.provider += size(inProvider) + size(outProvider);
    parts.dependencies += size(r.dependencies) + size(r.propertyDependencies);
    parts.stackTrace += size(r.stackTrace) + size(r.sourcePosition);
  }
  const whole = JSON.stringify(doc).length;
  const inventory = (doc.checkpoint.latest.resources ?? []).reduce(
    (n, r) => n + size(r.outputs?.inventory),
    0,
  );
  const shares = Object.fromEntries(
    Object.entries(parts).map(([k, v]) => [k, Math.round((100 * v) / whole)]),
  );
  const named = Object.values(shares as Record<string, number>).reduce((a, b) => a + b, 0);
  return { ...shares, other: 100 - named, inventoryBytes: inventory };
}

interface Row {
  scenario: string;
  objects: number;
  floorFreshMs: number;
  floorNoopMs: number;
  floorDestroyMs: number;
  destroyMs: number;
  freshMs: number;
  noopMs: number;
  planMs: number;
  stateBytesPerObject: number;
  stateBytesPerObjectOwnExcluded: number;
  /** The release engine's inventories, per object: the only part of its state that grows with the objects. */
  inventoryBytesPerObject: number;
  /** Percent of the checkpoint in each part (compact JSON). */
  stateParts: Record<string, number>;
  peakTazunaMb: number;
  peakEngineMb: number;
  /** How many times the fresh apply wrote the stack's checkpoint (file backend). */
  checkpointWritesFresh: number;
}

/**
 * Counts the file backend's writes of the c0 checkpoint while it runs: each
 * save renames a finished temporary file onto <stack>.json. The stack's
 * folder is made first and watched on its own: a recursive watch on Linux
 * misses what happens in folders made after it started (it counted 1 where
 * strace saw 36 on the example).
 */
function checkpointWrites(dir: string): { stop: () => number } {
  const stacks = path.join(dir, ".tazuna/state/.pulumi/stacks", builtInProjectName(dir));
  mkdirSync(stacks, { recursive: true });
  let n = 0;
  const watcher = watch(stacks, (event, file) => {
    if (event === "rename" && String(file) === "c0.json") n++;
  });
  return {
    stop: () => {
      watcher.close();
      return n;
    },
  };
}

/** One scenario, RUNS times: a fresh pair of clusters each run, Tazuna on one, the floor on the other. */
async function scenario(name: string, source: string, vars: Record<string, string>): Promise<Row> {
  const t = {
    floorFresh: [] as number[],
    floorNoop: [] as number[],
    floorDestroy: [] as number[],
    destroy: [] as number[],
    fresh: [] as number[],
    noop: [] as number[],
    plan: [] as number[],
  };
  const writes: number[] = [];
  let facts = {
    objects: 0,
    objectBytes: 0,
    state: 0,
    parts: {} as Record<string, number>,
    peakTazuna: 0,
    peakEngine: 0,
  };
  for (let r = 0; r < RUNS; r++) {
    const [mine, floor] = [
      await LocalCluster.start({ name: "tazuna-bench-mine" }),
      await LocalCluster.start({ name: "tazuna-bench-floor" }),
    ];
    try {
      const dir = await project(source, [mine], vars);
      const { files, objects, objectBytes } = await rendered(dir, vars);
      const counter = checkpointWrites(dir);
      const fresh = await tazuna(dir, ["apply", "--cluster", "c0", "--yes"]);
      writes.push(counter.stop());
      if (fresh.exitCode !== 0) throw new Error(`${name}: fresh apply failed:\n${fresh.stderr}`);
      const noop = await tazuna(dir, ["apply", "--cluster", "c0", "--yes"]);
      const plan = await tazuna(dir, ["plan", "--cluster", "c0"]);
      if (plan.exitCode !== 0) throw new Error(`${name}: the plan after apply is not empty:\n${plan.stdout}`);
      t.fresh.push(fresh.ms);
      t.noop.push(noop.ms);
      t.plan.push(plan.ms);
      t.floorFresh.push(await floorPass(files, floor));
      t.floorNoop.push(await floorPass(files, floor));
      const checkpoint = await checkpointFile(dir);
      const size = (await stat(checkpoint)).size;
      const parts = await stateParts(checkpoint);
      const destroy = await tazuna(dir, ["destroy", "--cluster", "c0", "--yes"]);
      if (destroy.exitCode !== 0) throw new Error(`${name}: destroy failed:\n${destroy.stderr}`);
      t.destroy.push(destroy.ms);
      t.floorDestroy.push(await floorDelete(files, floor));
      facts = {
        objects,
        objectBytes,
        state: size,
        parts,
        peakTazuna: Math.max(facts.peakTazuna, fresh.peakRootKb, noop.peakRootKb),
        peakEngine: Math.max(facts.peakEngine, fresh.peakRestKb, noop.peakRestKb),
      };
    } finally {
      await mine.stop();
      await floor.stop();
    }
    console.error(`bench: ${name} run ${r + 1}/${RUNS} done`);
  }
  return {
    scenario: name,
    objects: facts.objects,
    floorFreshMs: median(t.floorFresh),
    floorNoopMs: median(t.floorNoop),
    floorDestroyMs: median(t.floorDestroy),
    destroyMs: median(t.destroy),
    freshMs: median(t.fresh),
    noopMs: median(t.noop),
    planMs: median(t.plan),
    stateBytesPerObject: Math.round(facts.state / facts.objects),
    stateBytesPerObjectOwnExcluded: Math.round((facts.state - facts.objectBytes) / facts.objects),
    stateParts: Object.fromEntries(Object.entries(facts.parts).filter(([k]) => k !== "inventoryBytes")),
    inventoryBytesPerObject: Math.round((facts.parts.inventoryBytes ?? 0) / facts.objects),
    peakTazunaMb: Math.round(facts.peakTazuna / 1024),
    peakEngineMb: Math.round(facts.peakEngine / 1024),
    checkpointWritesFresh: median(writes),
  };
}

/** apply --all, no-op, over n clusters at concurrency n, against one cluster. */
async function fleet(): Promise<{ clusters: number; noopMs: number; vsOne: number }[]> {
  const max = Math.max(...FLEET);
  const clusters: LocalCluster[] = [];
  try {
    for (let i = 0; i < max; i++)
      clusters.push(await LocalCluster.start({ name: `tazuna-bench-fleet-${i}` }));
    const dir = await project(EXAMPLE, clusters, { overlay: "local" });
    const all = clusters.map((_, i) => `c${i}`);
    const first = await tazuna(dir, [
      "apply",
      "--cluster",
      all.join(","),
      "--concurrency",
      String(max),
      "--yes",
    ]);
    if (first.exitCode !== 0) throw new Error(`fleet: first apply failed:\n${first.stdout}\n${first.stderr}`);
    const times = new Map<number, number[]>(FLEET.map((n) => [n, []]));
    for (let r = 0; r < RUNS; r++)
      for (const n of FLEET) {
        const names = all.slice(0, n).join(",");
        const res = await tazuna(dir, ["apply", "--cluster", names, "--concurrency", String(n), "--yes"]);
        if (res.exitCode !== 0) throw new Error(`fleet ${n}: ${res.stderr}`);
        times.get(n)?.push(res.ms);
      }
    const one = median(times.get(FLEET[0] as number) ?? []);
    return FLEET.map((n) => {
      const ms = median(times.get(n) ?? []);
      return { clusters: n, noopMs: ms, vsOne: +(ms / one).toFixed(2) };
    });
  } finally {
    for (const c of clusters) await c.stop();
  }
}

const ratio = (a: number, b: number) => +(a / b).toFixed(2);

function print(rows: Row[], fleetRows: Awaited<ReturnType<typeof fleet>>): object[] {
  const head = [
    "SCENARIO",
    "OBJ",
    "FLOOR",
    "FRESH",
    "x",
    "FLOOR-NOOP",
    "NOOP",
    "x",
    "PLAN",
    "x",
    "FLOOR-DEL",
    "DESTROY",
    "x",
    "B/OBJ",
    "B/OBJ-OWN",
    "INV B/OBJ",
    "MB TAZ",
    "MB ENG",
    "CKPT WRITES",
  ];
  console.log(head.join("\t"));
  for (const r of rows)
    console.log(
      [
        r.scenario,
        r.objects,
        `${(r.floorFreshMs / 1000).toFixed(1)}s`,
        `${(r.freshMs / 1000).toFixed(1)}s`,
        ratio(r.freshMs, r.floorFreshMs),
        `${(r.floorNoopMs / 1000).toFixed(1)}s`,
        `${(r.noopMs / 1000).toFixed(1)}s`,
        ratio(r.noopMs, r.floorNoopMs),
        `${(r.planMs / 1000).toFixed(1)}s`,
        ratio(r.planMs, r.floorNoopMs),
        `${(r.floorDestroyMs / 1000).toFixed(1)}s`,
        `${(r.destroyMs / 1000).toFixed(1)}s`,
        ratio(r.destroyMs, r.floorDestroyMs),
        r.stateBytesPerObject,
        r.stateBytesPerObjectOwnExcluded,
        r.inventoryBytesPerObject,
        r.peakTazunaMb,
        r.peakEngineMb,
        r.checkpointWritesFresh,
      ].join("\t"),
    );
  for (const r of rows)
    console.log(
      `state of ${r.scenario}, % of the checkpoint: ${Object.entries(r.stateParts)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
  for (const f of fleetRows)
    console.log(`apply --all (no-op) over ${f.clusters}: ${(f.noopMs / 1000).toFixed(1)}s, ${f.vsOne}x one`);
  // The cost of each added object between consecutive sizes: a per-object
  // average would hide growth behind the fixed cost of the smallest size.
  const gen = rows.filter((r) => r.scenario.startsWith("generated"));
  const marginal = gen.slice(1).map((r, i) => {
    const prev = gen[i] as Row;
    return (r.freshMs - prev.freshMs) / (r.objects - prev.objects);
  });
  const [first, last] = [marginal[0] ?? 0, marginal[marginal.length - 1] ?? 0];
  const growth =
    marginal.length < 2
      ? []
      : [
          {
            goal: "linear growth: fresh ms per added object, last size step vs first, within 1.3x",
            value: ratio(last, first),
            met: last <= 1.3 * first,
          },
        ];
  const goals = [
    ...rows.map((r) => ({
      goal: `${r.scenario}: fresh within 1.5x of the floor`,
      value: ratio(r.freshMs, r.floorFreshMs),
      met: r.freshMs <= 1.5 * r.floorFreshMs,
    })),
    ...rows.map((r) => ({
      goal: `${r.scenario}: no-op within 1.5x of the floor's no-op`,
      value: ratio(r.noopMs, r.floorNoopMs),
      met: r.noopMs <= 1.5 * r.floorNoopMs,
    })),
    ...rows.map((r) => ({
      goal: `${r.scenario}: plan within 1x of the floor's no-op`,
      value: ratio(r.planMs, r.floorNoopMs),
      met: r.planMs <= r.floorNoopMs,
    })),
    ...rows.map((r) => ({
      goal: `${r.scenario}: destroy within 1.5x of kubectl delete --wait`,
      value: ratio(r.destroyMs, r.floorDestroyMs),
      met: r.destroyMs <= 1.5 * r.floorDestroyMs,
    })),
    ...rows.map((r) => ({
      goal: `${r.scenario}: state within 2 KB per object (own size excluded)`,
      value: r.stateBytesPerObjectOwnExcluded,
      met: r.stateBytesPerObjectOwnExcluded <= 2048,
    })),
    ...growth,
    // Issue 22's goals for the release engine.
    ...rows.flatMap((r) => [
      {
        goal: `${r.scenario}: fresh within 1.2x of the floor`,
        value: ratio(r.freshMs, r.floorFreshMs),
        met: r.freshMs <= 1.2 * r.floorFreshMs,
      },
      {
        goal: `${r.scenario}: no-op within 1.2x of the floor's no-op`,
        value: ratio(r.noopMs, r.floorNoopMs),
        met: r.noopMs <= 1.2 * r.floorNoopMs,
      },
      {
        goal: `${r.scenario}: state within 300 B per object beyond the add-ons (their inventories)`,
        value: r.inventoryBytesPerObject,
        met: r.inventoryBytesPerObject <= 300,
      },
    ]),
    ...fleetRows
      .filter((f) => f.clusters === 5)
      .map((f) => ({ goal: "--all over 5 clusters within 2x of one", value: f.vsOne, met: f.vsOne <= 2 })),
  ];
  for (const g of goals) console.log(`goal: ${g.goal}: ${g.value} ${g.met ? "met" : "NOT met"}`);
  return goals;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  // Each scenario's row as soon as it is measured: a long run stopped half-way still says something.
  const done = (r: Row) => (rows.push(r), console.error(`bench: ${JSON.stringify(r)}`));
  if (SCENARIOS.includes("example")) done(await scenario("example", EXAMPLE, { overlay: "local" }));
  if (SCENARIOS.includes("upstream")) {
    const dir = await upstreamFoundation();
    try {
      done(await scenario("upstream", dir, {}));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  for (const n of SCENARIOS.includes("generated") ? SIZES : []) {
    const dir = await generateFoundation(n);
    try {
      done(await scenario(`generated-${n}`, dir, {}));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const fleetRows = FLEET.length ? await fleet() : [];
  const goals = print(rows, fleetRows);
  const out = path.join(ROOT, "bench", "results");
  await mkdir(out, { recursive: true });
  await writeFile(
    path.join(out, "foundation.json"),
    `${JSON.stringify({ runs: RUNS, rows, fleet: fleetRows, goals }, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
