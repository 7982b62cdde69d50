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

/**
 * How secrets in state are encrypted: a cloud KMS when $TAZUNA_SECRETS_PROVIDER
 * names one, else a passphrase that must be given (an empty one is never used
 * silently).
 */
export async function secrets(): Promise<{ secretsProvider: string } | { passphrase: string }> {
  const kms = process.env.TAZUNA_SECRETS_PROVIDER;
  if (kms && kms !== "passphrase") return { secretsProvider: kms };
  return { passphrase: await passphrase() };
}

async function passphrase(): Promise<string> {
  const direct = process.env.PULUMI_CONFIG_PASSPHRASE;
  if (direct !== undefined && direct !== "") return direct;
  const file = process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file) return (await readFile(file, "utf8")).trim();
  throw new UsageError(
    "no passphrase for the state's secrets\n  fix: export PULUMI_CONFIG_PASSPHRASE=... or PULUMI_CONFIG_PASSPHRASE_FILE=<file>, or TAZUNA_SECRETS_PROVIDER=awskms://... (a cloud KMS)",
  );
}

/** The Pulumi project name every Tazuna stack lives under; plain `pulumi` uses it too (Pulumi.yaml). */
export const PROJECT = "tazuna";

export interface ClusterStack {
  target: Target;
  stack: Stack;
  kubeconfig: string;
  /** The state backend URL the stack lives in. */
  backend: string;
  /** The add-ons the program registers, when not all (--tags). */
  only?: readonly string[];
  /** Refuses (GuardError) when the context now reaches another cluster than the stack recorded. */
  checkIdentity: () => Promise<void>;
}

export async function openClusterStack(
  opts: GlobalOptions,
  cluster: string,
  /** For --tags: the add-ons to register, chosen from the loaded declaration. */
  select?: (target: Target) => readonly string[] | undefined,
): Promise<ClusterStack> {
  const t = await loadTarget(opts, cluster);
  if (!t.settings || !t.cluster) throw new UsageError(`no stack file for cluster ${cluster}`);
  const target: Target = { ...t, cluster: t.cluster, settings: t.settings };
  const settings = target.settings;
  const only = select?.(target);
  const backend = await backendUrl(opts);
  const stack = await openStack({
    projectName: PROJECT,
    stackName: cluster,
    backendUrl: backend,
    ...(await secrets()),
    program: () =>
      tazunaProgram({
        projectDir: target.projectDir,
        stackName: cluster,
        settings,
        ...(only ? { only } : {}),
      }),
  });
  const kubeconfig = kubeconfigPath(settings, target.projectDir);
  const checkIdentity = () =>
    checkRecordedIdentity(stack, kubeconfig, settings.context, settings.rebindTo ?? "");
  return { target, stack, kubeconfig, backend, checkIdentity, ...(only ? { only } : {}) };
}
