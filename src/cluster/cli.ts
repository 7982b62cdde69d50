/** `cluster.sh up|down`: a long-lived local control plane, outliving this process. */
import { parseArgs } from "node:util";
import { LocalCluster } from "./control-plane";

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { dir: { type: "string" }, name: { type: "string" } },
  });
  const dir = values.dir;
  if (!dir) throw new Error("--dir is required");
  if (positionals[0] === "up") {
    const c = await LocalCluster.start({ dir, name: values.name ?? "tazuna-local", stopOnExit: false });
    console.log(`local control plane up in ${(c.info.startedMs / 1000).toFixed(1)} s: ${c.info.server}`);
    console.log(`contexts: ${c.info.contexts.join(", ")}; audit log: ${c.auditLog}`);
  } else if (positionals[0] === "down") {
    await (await LocalCluster.attach(dir)).stop();
    console.log("local control plane stopped");
  } else {
    throw new Error(`unknown command ${positionals[0] ?? ""}; use up or down`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
