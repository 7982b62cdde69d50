/**
 * Destroy as Tazuna does it: the engine deletes every resource, dependents
 * first; what it retains (CRDs, helm's keep, hand-offs) is deleted after,
 * CRDs last, so nothing the stack installed is left behind. Plain
 * `pulumi destroy` leaves those retained objects in the cluster.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { installedObjects } from "../state/inventory";
import { writingState } from "../state/resources";
import { DESTROY_ENV, withEnv } from "../program/run-env";
import { PRUNE_ENV } from "../release/prune";
import { deleteRetained } from "../live/retained";
import type { ClusterAccess } from "../kube/kubectl";

export interface Destroyed {
  result: string;
  /** Retained objects deleted after the engine: others, then CRDs with their custom resources. */
  objects: number;
  crds: number;
  customResources: number;
}

export async function destroyStack(
  stack: Stack,
  cluster: ClusterAccess,
  /** only: the add-ons to destroy and their URN patterns (destroy --tags); the rest stays. */
  opts: { runProgram?: boolean; only?: { addons: string[]; urns: string[] } } = {},
): Promise<Destroyed> {
  const all = await installedObjects(stack);
  const installed = opts.only ? all.filter((o) => opts.only?.addons.includes(o.addon)) : all;
  // The program runs for its guard only: the engine deletes what state holds, so rendering every
  // add-on again (seconds of helm and kustomize) would be wasted.
  const res = await writingState(stack, () =>
    // Destroy deletes whatever tazuna:prune says of objects that leave a declaration that stays.
    withEnv({ [DESTROY_ENV]: "1", [PRUNE_ENV]: "true" }, () =>
      stack.destroy({
        ...(opts.runProgram ? { runProgram: true } : {}),
        ...(opts.only ? { target: opts.only.urns } : {}),
      }),
    ),
  );
  return { result: res.summary.result, ...(await deleteRetained(cluster, installed)) };
}

export function formatDestroyed(d: Destroyed): string {
  const crds =
    d.crds > 0
      ? `; ${d.crds} CRD(s) deleted last, with ${d.customResources} custom resource(s) not declared here`
      : "";
  const kept = d.objects > 0 ? `; ${d.objects} retained object(s) deleted` : "";
  return `destroy ${d.result}${kept}${crds}`;
}
