/**
 * `npm start`: the main job on the embedded default. Starts a local control
 * plane, and runs the tazuna command on a throwaway copy of
 * examples/foundation with its default local state (.tazuna/state in the
 * project): apply, status, and a plan that finds nothing left to do. Then the
 * cluster is thrown away. Runs under scripts/in-netns.sh.
 */
import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { LocalCluster } from "../src/cluster/control-plane";

const EXAMPLE = path.resolve(__dirname, "../examples/foundation");
const BIN = path.resolve(__dirname, "../dist/cli/bin.js"); // npm start builds it first

async function project(cluster: LocalCluster): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), "tazuna-quickstart-")), "project");
  await cp(EXAMPLE, dir, { recursive: true });
  await mkdir(path.join(dir, "stacks"));
  const config = {
    "tazuna:context": cluster.context,
    "tazuna:kubeconfig": cluster.kubeconfig,
    "tazuna:vars": { overlay: "local" },
  };
  await writeFile(path.join(dir, "stacks/Pulumi.local.yaml"), stringify({ config }));
  return dir;
}

async function tazuna(dir: string, args: string[]): Promise<number> {
  console.log(`\n$ tazuna ${args.join(" ")}`);
  const res = await execa(BIN, ["-p", dir, ...args], {
    stdio: "inherit",
    reject: false,
    env: { PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "local-throwaway-state" },
  });
  return res.exitCode ?? 1;
}

async function main(): Promise<void> {
  const cluster = await LocalCluster.start();
  console.log(
    `local control plane up in ${(cluster.info.startedMs / 1000).toFixed(1)} s (${cluster.info.server})`,
  );
  try {
    const dir = await project(cluster);
    console.log(`project: ${dir} (state: ${dir}/.tazuna/state)`);
    if ((await tazuna(dir, ["apply", "--cluster", "local", "--yes"])) !== 0) throw new Error("apply failed");
    await tazuna(dir, ["status", "--cluster", "local"]);
    const plan = await tazuna(dir, ["plan", "--cluster", "local"]);
    if (plan !== 0) throw new Error(`the second run should have nothing to do (plan exit ${plan})`);
  } finally {
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
