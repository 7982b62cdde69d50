/**
 * The cluster identity a stack recorded on its first apply, read back from
 * state. `pulumi destroy` does not run the program, so destroy checks the
 * recorded identity against the live cluster here, before deleting anything.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { stateResources } from "./resources";
import { GuardError, readIdentity } from "../pulumi/guard";
import type { BindingProps } from "../pulumi/binding";

const BINDING_TYPE = "pulumi-nodejs:dynamic/tazuna:ClusterBinding";

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
): Promise<void> {
  const recorded = await recordedBinding(stack);
  if (!recorded) return;
  const live = await readIdentity(kubeconfig, context);
  if (live.uid === recorded.uid && live.caFingerprint === recorded.caFingerprint) return;
  if (rebindTo === live.uid) return;
  throw new GuardError(
    `context "${context}" now points at a different cluster than stack ${stack.name} was applied to ` +
      `(recorded kube-system uid ${recorded.uid}, server ${recorded.server}; now ${live.uid}, ${live.server}); nothing was deleted`,
    `point the context back at the recorded cluster, or re-bind on purpose with tazuna:rebindTo ${live.uid}`,
  );
}

/** Destroy, but only after the recorded identity matches the cluster behind the context. */
export async function destroyGuarded(stack: Stack, kubeconfig: string, context: string) {
  await checkRecordedIdentity(stack, kubeconfig, context);
  return stack.destroy();
}

/**
 * Re-binds a stack to the cluster its context now reaches (tazuna:rebindTo
 * must name it). The state still describes the old cluster, so a refresh with
 * the program's current provider settings first drops what the new cluster
 * lacks; the apply then recreates it.
 */
export async function rebindAndApply(stack: Stack) {
  await stack.refresh({ runProgram: true });
  return stack.up();
}
