/**
 * What a WaitUntil resource does when created or updated: wait in process
 * (release/ready.ts) until the object is ready. The engine's
 * dynamic-provider process loads this file by path (see by-path.ts).
 */
import type { Operations } from "../resources/by-path";
import { loadKubeconfig } from "../kube/kubeconfig";
import { Client } from "../kube/client";
import { waitReady as waitUntilReady, type WaitSpec } from "../release/ready";
import { inProviderSpan } from "../trace/spans";
import { recordingOps } from "../errors/failures";
import { readyText, type ReadyWhen } from "../config/readiness";

export interface WaitProps extends WaitSpec {
  kubeconfig: string;
  context: string;
  /** A digest of the watched object as declared; a new one waits again. */
  revision: string;
}

/** Waits until the object is ready, or throws a message that says why not. */
export function waitReady(inputs: WaitProps): Promise<{ id: string; outs: WaitProps }> {
  return inProviderSpan("wait", inputs.label, () => waitOnce(inputs));
}

async function waitOnce(inputs: WaitProps): Promise<{ id: string; outs: WaitProps }> {
  const api = Client.for(await loadKubeconfig(inputs.kubeconfig, inputs.context));
  try {
    await waitUntilReady(api, inputs);
    return { id: `${inputs.label}:${inputs.target}`, outs: inputs };
  } finally {
    api.close();
  }
}

/** A test recorded before readiness was a value kept kubectl's spelling of it (`forExpr`). */
const readyTextOf = (olds: Omit<WaitProps, "ready"> & { ready?: ReadyWhen; forExpr?: string }): string =>
  olds.ready ? readyText(olds.ready) : (olds.forExpr ?? "");

export const waitOps: Operations<WaitProps> = recordingOps({
  // Create and update both wait; update runs when the watched object changed.
  create: (inputs) => waitReady(inputs),
  async update(_id, _olds, news) {
    return { outs: (await waitReady(news)).outs };
  },
  async diff(_id, olds, news) {
    // Not the kubeconfig's path: where the credentials are found (a flag, a KUBECONFIG list)
    // is no change in what is checked, and the cluster binding guards which cluster it is.
    const keys = ["target", "namespace", "context", "revision"] as const;
    const changes = keys.some((k) => olds[k] !== news[k]) || readyTextOf(olds) !== readyText(news.ready);
    const moved = olds.target !== news.target || olds.namespace !== news.namespace;
    return { changes, replaces: moved ? ["target"] : [], deleteBeforeReplace: true };
  },
});
