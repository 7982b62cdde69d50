/**
 * ClusterBinding records, in the stack's state, which cluster the stack was
 * first applied to. Every add-on depends on it, so when the identity no
 * longer matches, its diff fails and nothing else is applied. Re-binding is
 * explicit: set tazuna:rebindTo to the new cluster's kube-system UID.
 */
import type * as pulumi from "@pulumi/pulumi";
import { GuardError } from "../errors/guard";
import { recordingOps } from "../errors/failures";
import { ByPathResource, operationsAt, type Operations } from "../resources/by-path";
import type { ClusterIdentity } from "./identity";

export interface BindingProps extends ClusterIdentity {
  context: string;
  /** The UID the user agreed to re-bind to; empty when not asked. */
  rebindTo: string;
}

/**
 * The guard's one rule for "the same cluster": the same kube-system UID and
 * the same CA. The binding's diff below and the check before destroy
 * (recorded.ts) both use it.
 */
export function sameCluster(a: ClusterIdentity, b: ClusterIdentity): boolean {
  return a.uid === b.uid && a.caFingerprint === b.caFingerprint;
}

/** Loaded by path in the engine's dynamic-provider process (see resources/by-path.ts). */
export const bindingOps: Operations<BindingProps> = recordingOps({
  async create(inputs) {
    return { id: inputs.uid, outs: inputs };
  },
  async diff(_id, olds, news) {
    const moved = !sameCluster(olds, news);
    if (moved && news.rebindTo !== news.uid) {
      throw new GuardError(
        `context "${news.context}" now points at a different cluster than this stack was applied to.\n` +
          `  recorded: kube-system uid ${olds.uid}, CA ${olds.caFingerprint}, server ${olds.server}\n` +
          `  now:      kube-system uid ${news.uid}, CA ${news.caFingerprint}, server ${news.server}\n` +
          `  nothing was applied`,
        `point the context back at the recorded cluster, or re-bind on purpose with\n` +
          `  pulumi config set tazuna:rebindTo ${news.uid}   (or tazuna:rebindTo in the stack file)`,
      );
    }
    const changed = moved || olds.context !== news.context || olds.server !== news.server;
    return { changes: changed, replaces: [], deleteBeforeReplace: false };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
});

export class ClusterBinding extends ByPathResource {
  declare readonly uid: pulumi.Output<string>;
  declare readonly caFingerprint: pulumi.Output<string>;

  constructor(name: string, props: BindingProps, opts?: pulumi.CustomResourceOptions) {
    super(
      "ClusterBinding",
      name,
      { ...props },
      operationsAt<typeof import("./binding")>(__filename, "bindingOps"),
      opts,
    );
  }
}
