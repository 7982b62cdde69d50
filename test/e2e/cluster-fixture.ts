/**
 * One local control plane per test file, started before its tests and stopped
 * after them. The e2e suite runs under scripts/in-netns.sh, so the cluster
 * only ever listens on the loopback of a throwaway network namespace.
 */
import { LocalCluster } from "../../src/cluster/control-plane";

export function useCluster(name = "tazuna-local"): () => LocalCluster {
  let cluster: LocalCluster | undefined;
  before(async function () {
    this.timeout(180_000);
    if (process.env.TAZUNA_IN_NETNS !== "1") {
      throw new Error(
        "e2e tests must run inside scripts/in-netns.sh (npm run test:e2e), never on the host network",
      );
    }
    cluster = await LocalCluster.start({ name });
    console.log(`      (cluster ${name} started in ${(cluster.info.startedMs / 1000).toFixed(1)} s)`);
  });
  after(async function () {
    this.timeout(60_000);
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error("the cluster did not start; see the before-all hook's error");
    return cluster;
  };
}
