/**
 * The fixed cost of a command, this build against an earlier one in the
 * same run (issue 22): a no-op `plan` of a one-namespace declaration, which
 * is nearly all engine, plugin and program start-up, and `tazuna verify` of
 * the example. The builds alternate, each on its own local control plane.
 *
 *   git worktree add ../before <commit> && (cd ../before && ln -s ../main/node_modules && npm run build)
 *   BENCH_BEFORE=../before/dist/cli/bin.js BENCH_RUNS=3 BENCH_VERIFY=1 npm run bench:fixed
 *
 * Prints medians and ratios; never part of the tests.
 */
import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { LocalCluster } from "../src/cluster/control-plane";
import { measured, median } from "./measure";

const ROOT = path.resolve(__dirname, "..");
const AFTER = path.join(ROOT, "dist/cli/bin.js");
const BEFORE = path.resolve(process.env.BENCH_BEFORE ?? "");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ENV = { PULUMI_CONFIG_PASSPHRASE: "bench-only" };

const ONE_NAMESPACE = {
  apiVersion: "tazuna.pepabo.com/v1",
  kind: "Tazuna",
  spec: { manifests: [{ name: "ns", type: "manifests", path: "ns" }] },
};

async function project(c: LocalCluster): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), "tazuna-fixed-")), "project");
  await mkdir(path.join(dir, "ns"), { recursive: true });
  await mkdir(path.join(dir, "stacks"));
  await writeFile(path.join(dir, "tazuna.yaml"), stringify(ONE_NAMESPACE));
  await writeFile(
    path.join(dir, "ns/ns.yaml"),
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: fixed-cost}\n",
  );
  const config = { "tazuna:context": c.context, "tazuna:kubeconfig": c.kubeconfig };
  await writeFile(path.join(dir, "stacks/Pulumi.c0.yaml"), stringify({ config }));
  return dir;
}

async function run(bin: string, args: string[]): Promise<number> {
  const r = await measured(process.execPath, [bin, ...args], ENV);
  if (r.exitCode !== 0) throw new Error(`${bin} ${args.join(" ")} failed:\n${r.stderr}`);
  return r.ms;
}

async function planCost(): Promise<{ before: number; after: number }> {
  const [cb, ca] = [
    await LocalCluster.start({ name: "tazuna-fixed-before" }),
    await LocalCluster.start({ name: "tazuna-fixed-after" }),
  ];
  try {
    const [db, da] = [await project(cb), await project(ca)];
    await run(BEFORE, ["-p", db, "apply", "--cluster", "c0", "--yes"]);
    await run(AFTER, ["-p", da, "apply", "--cluster", "c0", "--yes"]);
    const before: number[] = [];
    const after: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      before.push(await run(BEFORE, ["-p", db, "plan", "--cluster", "c0"]));
      after.push(await run(AFTER, ["-p", da, "plan", "--cluster", "c0"]));
    }
    return { before: median(before), after: median(after) };
  } finally {
    await cb.stop();
    await ca.stop();
  }
}

async function verifyCost(): Promise<{ before: number; after: number }> {
  const copy = async () => {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), "tazuna-verify-")), "project");
    await cp(path.join(ROOT, "examples/foundation"), dir, { recursive: true });
    return dir;
  };
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    before.push(await run(BEFORE, ["-p", await copy(), "--var", "overlay=local", "verify"]));
    after.push(await run(AFTER, ["-p", await copy(), "--var", "overlay=local", "verify"]));
  }
  return { before: median(before), after: median(after) };
}

async function main(): Promise<void> {
  if (!process.env.BENCH_BEFORE)
    throw new Error("BENCH_BEFORE: the earlier build's dist/cli/bin.js (see the header)");
  const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  const plan = await planCost();
  const ratio = Math.round((plan.after / plan.before) * 100) / 100;
  console.log(`no-op plan, one namespace: before ${s(plan.before)}, after ${s(plan.after)}, ${ratio}x`);
  console.log(`goal: the fixed cost at most half of before: ${ratio} ${ratio <= 0.5 ? "met" : "NOT met"}`);
  if (process.env.BENCH_VERIFY) {
    const v = await verifyCost();
    console.log(
      `tazuna verify of the example: before ${s(v.before)}, after ${s(v.after)}, ${Math.round((v.after / v.before) * 100) / 100}x`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
