/**
 * Per-cluster settings, from the stack file stacks/Pulumi.<cluster>.yaml:
 *
 *   config:
 *     tazuna:context: staging-admin        # kubeconfig context (required)
 *     tazuna:kubeconfig: ~/.kube/staging   # optional; default KUBECONFIG or ~/.kube/config
 *     tazuna:file: tazuna.yaml             # optional; relative to the project folder
 *     tazuna:vars: { region: eu-west-1 }   # optional; ${vars.region} in tazuna.yaml
 *     tazuna:rebindTo: <kube-system uid>   # only to re-bind the stack to a rebuilt cluster
 */
import { homedir } from "node:os";
import * as path from "node:path";
import { z } from "zod";

export const StackSettingsSchema = z.strictObject({
  context: z.string().min(1),
  kubeconfig: z.string().min(1).optional(),
  file: z.string().min(1).optional(),
  vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  rebindTo: z.string().optional(),
});

export type StackSettings = z.infer<typeof StackSettingsSchema>;

/** The config keys as they appear in the stack file. */
export const STACK_KEYS = Object.keys(StackSettingsSchema.shape).map((k) => `tazuna:${k}`);

export function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? path.join(homedir(), p.slice(1)) : p;
}

/** The kubeconfig path to use: the setting, else $KUBECONFIG's first entry, else ~/.kube/config. */
export function kubeconfigPath(s: StackSettings, projectDir: string): string {
  if (s.kubeconfig) return path.resolve(projectDir, expandHome(s.kubeconfig));
  const env = process.env.KUBECONFIG?.split(path.delimiter)[0];
  return env || path.join(homedir(), ".kube", "config");
}
