/**
 * The cluster identity a stack recorded on its first apply, read back from
 * state. `pulumi destroy` does not run the program, so destroy checks the
 * recorded identity against the live cluster here, before deleting anything.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { stateResources } from "../state/resources";
import { sameCluster, type BindingProps } from "./binding";
import { GuardError } from "../errors/guard";
import { readIdentity, type ClusterIdentity } from "./identity";
import { BINDING_TYPE } from "../resources/urns";

/** The identity of the cluster behind a context now (GuardError when it cannot be read). */
export const liveIdentity = readIdentity;

export async function recordedBinding(stack: Stack): Promise<BindingProps | undefined> {
  const res = (await stateResources(stack)).find((r) => r.type === BINDING_TYPE);
  return res?.outputs as BindingProps | undefined;
}

/** Throws GuardError when the context now reaches another cluster than the recorded one. */
export async function checkRecordedIdentity(
  stack: Stack,
  kubeconfig: string,
  context: string,
  rebindTo = "",
  /** The live identity, when the caller read it already. */
  known?: ClusterIdentity,
): Promise<void> {
  const recorded = await recordedBinding(stack);
  if (!recorded) return;
  const live = known ?? (await readIdentity(kubeconfig, context));
  if (sameCluster(live, recorded)) return;
  if (rebindTo === live.uid) return;
  throw new GuardError(
    `context "${context}" now points at a different cluster than stack ${stack.name} was applied to ` +
      `(recorded kube-system uid ${recorded.uid}, server ${recorded.server}; now ${live.uid}, ${live.server}); nothing was deleted`,
    `point the context back at the recorded cluster, or re-bind on purpose with tazuna:rebindTo ${live.uid}`,
  );
}
