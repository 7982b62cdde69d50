/**
 * `npm start`: the main job on the embedded default. Starts a local control
 * plane, applies examples/foundation/tazuna.yaml to it with a local file
 * backend, shows what landed and that a second run is a no-op, then throws
 * the cluster away. Runs under scripts/in-netns.sh.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { LocalCluster } from "../cluster/control-plane";
import { tazunaProgram } from "../pulumi/program";
import { openStack } from "../pulumi/workspace";

const PROJECT = path.resolve(__dirname, "../../examples/foundation");

async function main(): Promise<void> {
  const cluster = await LocalCluster.start();
  console.log(
    `local control plane up in ${(cluster.info.startedMs / 1000).toFixed(1)} s (${cluster.info.server})`,
  );
  try {
    const state = await mkdtemp(path.join(tmpdir(), "tazuna-state-"));
    const settings = { context: cluster.context, kubeconfig: cluster.kubeconfig, vars: { overlay: "local" } };
    const stack = await openStack({
      projectName: "tazuna",
      stackName: "local",
      program: () => tazunaProgram({ projectDir: PROJECT, stackName: "local", settings }),
      backendUrl: `file://${state}`,
      passphrase: process.env.PULUMI_CONFIG_PASSPHRASE ?? "local-throwaway-state",
    });
    let t0 = Date.now();
    const up = await stack.up({ onOutput: (s) => process.stdout.write(s) });
    console.log(`\napply: ${up.summary.result} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(await cluster.kubectl()(["get", "deployments,daemonsets", "-A", "-l", "!k8s-app"]));
    t0 = Date.now();
    await stack.preview({ expectNoChanges: true });
    console.log(`second run: no changes (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } finally {
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
