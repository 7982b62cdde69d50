/** Which clusters a command acts on: --cluster NAME, --cluster a,b,c, or --all. */
import * as path from "node:path";
import { listClusters } from "../config/stack-file";
import { UsageError } from "./errors";
import { requireCluster, type GlobalOptions } from "./project";

export async function selectClusters(opts: GlobalOptions): Promise<string[]> {
  const known = await listClusters(path.resolve(opts.project));
  if (opts.all) {
    if (known.length === 0) throw new UsageError("--all: no stacks/Pulumi.<cluster>.yaml in the project");
    return known;
  }
  const named = (opts.cluster ?? "").split(",").filter(Boolean);
  if (named.length <= 1) return [await requireCluster(opts)];
  const unknown = named.filter((n) => !known.includes(n));
  if (unknown.length > 0)
    throw new UsageError(
      `no stack file for cluster ${unknown.join(", ")}\n  fix: use one of ${known.join(", ")} (stacks/Pulumi.<cluster>.yaml)`,
    );
  return [...new Set(named)];
}
