/** Opens the Pulumi stack of one cluster, with the declaration and settings loaded. */
import { mkdir, readFile } from "node:fs/promises";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { kubeconfigPath } from "../config/stack";
import { tazunaProgram } from "../pulumi/program";
import { openStack } from "../pulumi/workspace";
import { checkRecordedIdentity } from "../state/binding";
import { UsageError } from "./errors";
import { loadTarget, type GlobalOptions, type Target } from "./project";

/** The state backend: --backend, $TAZUNA_BACKEND, else .tazuna/state in the project. */
export async function backendUrl(opts: GlobalOptions): Promise<string> {
  const url = opts.backend ?? process.env.TAZUNA_BACKEND;
  if (url) return url;
  const dir = path.resolve(opts.project, ".tazuna", "state");
  await mkdir(dir, { recursive: true });
  return `file://${dir}`;
}

/** Secrets in state are encrypted; an empty passphrase is never used silently. */
export async function passphrase(): Promise<string> {
  const direct = process.env.PULUMI_CONFIG_PASSPHRASE;
  if (direct !== undefined && direct !== "") return direct;
  const file = process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file) return (await readFile(file, "utf8")).trim();
  throw new UsageError(
    "no passphrase for the state's secrets\n  fix: export PULUMI_CONFIG_PASSPHRASE=... or PULUMI_CONFIG_PASSPHRASE_FILE=<file>",
  );
}

export interface ClusterStack {
  target: Target;
  stack: Stack;
  kubeconfig: string;
  /** Refuses (GuardError) when the context now reaches another cluster than the stack recorded. */
  checkIdentity: () => Promise<void>;
}

export async function openClusterStack(opts: GlobalOptions, cluster: string): Promise<ClusterStack> {
  const t = await loadTarget(opts, cluster);
  if (!t.settings || !t.cluster) throw new UsageError(`no stack file for cluster ${cluster}`);
  const target: Target = { ...t, cluster: t.cluster, settings: t.settings };
  const settings = target.settings;
  const stack = await openStack({
    projectName: "tazuna",
    stackName: cluster,
    backendUrl: await backendUrl(opts),
    passphrase: await passphrase(),
    program: () => tazunaProgram({ projectDir: target.projectDir, stackName: cluster, settings }),
  });
  const kubeconfig = kubeconfigPath(settings, target.projectDir);
  const checkIdentity = () =>
    checkRecordedIdentity(stack, kubeconfig, settings.context, settings.rebindTo ?? "");
  return { target, stack, kubeconfig, checkIdentity };
}
