/** Opens a Pulumi stack through Automation API on the self-built, offline engine. */
import {
  LocalWorkspace,
  type ConfigMap,
  type InlineProgramArgs,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";
import * as path from "node:path";
import { OFFLINE_ENV, pulumiCommand } from "./process";
import { scratchDir } from "../process/temp";

/** The folder whose node_modules holds the @pulumi/pulumi this process uses. */
const SDK_ROOT = path.resolve(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "../../..");

export interface StackOptions {
  projectName: string;
  stackName: string;
  program: PulumiFn;
  /** A Pulumi backend URL: file://, s3://, gs://, azblob:// or https://api.pulumi.com. */
  backendUrl: string;
  /** Encrypts secrets in state with the passphrase provider; Tazuna never uses an empty one silently. */
  passphrase?: string;
  /** A cloud KMS instead of a passphrase: awskms://, gcpkms://, azurekeyvault://, hashivault://. */
  secretsProvider?: string;
  config?: ConfigMap;
  /** Where Pulumi keeps the workspace's settings; a scratch folder, removed at exit, when not given. */
  workDir?: string;
  env?: Record<string, string>;
}

/** Where the engine's settings and secrets come from, for either kind of stack. */
function workspaceOptions(opts: Omit<StackOptions, "program" | "projectName" | "stackName">) {
  return {
    ...(opts.secretsProvider ? { secretsProvider: opts.secretsProvider } : {}),
    envVars: {
      ...OFFLINE_ENV,
      PULUMI_BACKEND_URL: opts.backendUrl,
      ...(opts.passphrase !== undefined ? { PULUMI_CONFIG_PASSPHRASE: opts.passphrase } : {}),
      ...opts.env,
    },
  };
}

/**
 * A stack of the Pulumi project in `workDir`, running that project's own
 * program (Pulumi.yaml's `main`) through its language host: the very program
 * `pulumi up` runs there, with the stack settings from its stack files.
 */
export async function openProjectStack(
  opts: Omit<StackOptions, "program" | "projectName" | "workDir" | "config"> & { workDir: string },
): Promise<Stack> {
  return LocalWorkspace.createOrSelectStack(
    { stackName: opts.stackName, workDir: opts.workDir },
    { pulumiCommand: await pulumiCommand(), ...workspaceOptions(opts) },
  );
}

export async function openStack(opts: StackOptions): Promise<Stack> {
  const args: InlineProgramArgs = {
    projectName: opts.projectName,
    stackName: opts.stackName,
    program: opts.program,
  };
  const stack = await LocalWorkspace.createOrSelectStack(args, {
    pulumiCommand: await pulumiCommand(),
    ...workspaceOptions(opts),
    // Pulumi's own default (a mkdtemp it never removes) would leave one folder per run.
    workDir: opts.workDir ?? (await scratchDir("workspace")).path,
    projectSettings: {
      name: opts.projectName,
      runtime: "nodejs",
      backend: { url: opts.backendUrl },
      // The engine starts plugins in `main`; the dynamic-provider plugin
      // resolves @pulumi/pulumi from there, so point it at this package.
      main: SDK_ROOT,
    },
  });
  if (opts.config) await stack.setAllConfig(opts.config);
  return stack;
}
