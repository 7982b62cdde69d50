/**
 * Per-cluster settings, from the stack file stacks/Pulumi.<cluster>.yaml:
 *
 *   config:
 *     tazuna:context: staging-admin        # kubeconfig context (required)
 *     tazuna:kubeconfig: ~/.kube/staging   # optional; default KUBECONFIG or ~/.kube/config
 *     tazuna:file: tazuna.yaml             # optional; relative to the project folder
 *     tazuna:vars: { region: eu-west-1 }   # optional; ${vars.region} in tazuna.yaml; a var may also be
 *                                          #   read at run time: {from: env|op|sops, ...} (secrets/stack-vars.ts)
 *     tazuna:environment: prod             # optional; the Go tool's -e: {{ .Environment }} and spec.environments.prod
 *     tazuna:rebindTo: <kube-system uid>   # only to re-bind the stack to a rebuilt cluster
 *     tazuna:clusterUid: <kube-system uid> # written by the first tazuna apply: the cluster this stack is for
 *     tazuna:prune: false                  # optional; objects that leave the declaration stay in the
 *                                          #   cluster (default true: deleted); apply --prune/--no-prune win
 */
import { z } from "zod";
import { VarReferenceSchema } from "./schema";

export const StackSettingsSchema = z.strictObject({
  context: z.string().min(1),
  kubeconfig: z.string().min(1).optional(),
  file: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
  vars: z
    .record(
      z.string(),
      z.union([z.union([z.string(), z.number(), z.boolean()]).transform(String), VarReferenceSchema]),
    )
    .optional(),
  rebindTo: z.string().optional(),
  /**
   * The cluster the stack is pinned to (its kube-system UID). The program
   * checks it before registering anything, so every engine path that runs
   * the program (up --target, refresh/destroy --run-program) is guarded.
   */
  clusterUid: z.string().min(1).optional(),
  /** Whether objects that leave the declaration are deleted (release/prune.ts); true when unset. */
  prune: z.boolean().optional(),
});

export type StackSettings = z.infer<typeof StackSettingsSchema>;
