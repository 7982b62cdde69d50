/**
 * `npm start`: the main job on the embedded default. Starts a local control
 * plane, applies the smoke program with local state, shows what landed, and
 * throws the cluster away. Runs under scripts/in-netns.sh.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { LocalCluster } from "../cluster/control-plane";
import { openStack } from "../pulumi/workspace";
import { SMOKE_NAMESPACE, smokeProgram } from "./program";

async function main(): Promise<void> {
  const cluster = await LocalCluster.start();
  console.log(
    `local control plane up in ${(cluster.info.startedMs / 1000).toFixed(1)} s (${cluster.info.server})`,
  );
  try {
    const work = await mkdtemp(path.join(tmpdir(), "tazuna-main-"));
    const stack = await openStack({
      projectName: "tazuna-smoke",
      stackName: "local",
      program: async () => smokeProgram(),
      backendUrl: `file://${work}`,
      passphrase: process.env.PULUMI_CONFIG_PASSPHRASE ?? "local-throwaway-state",
      config: {
        "smoke:kubeconfig": { value: cluster.kubeconfig },
        "smoke:context": { value: cluster.context },
        "smoke:markerPath": { value: path.join(work, "marker.txt") },
      },
    });
    const t0 = Date.now();
    const up = await stack.up({ onOutput: (s) => process.stdout.write(s) });
    console.log(`\napply: ${up.summary.result} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(await cluster.kubectl()(["get", "all,configmap,widgets", "-n", SMOKE_NAMESPACE]));
  } finally {
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
