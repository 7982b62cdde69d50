/** Opens a Pulumi stack through Automation API on the self-built, offline engine. */
import {
  LocalWorkspace,
  type ConfigMap,
  type InlineProgramArgs,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";
import { OFFLINE_ENV, pulumiCommand } from "./engine";

export interface StackOptions {
  projectName: string;
  stackName: string;
  program: PulumiFn;
  /** A Pulumi backend URL: file://, s3://, gs://, azblob:// or https://api.pulumi.com. */
  backendUrl: string;
  /** Encrypts secrets in state; Tazuna never uses an empty one silently. */
  passphrase: string;
  config?: ConfigMap;
  /** The folder dynamic providers resolve @pulumi/pulumi from. */
  workDir?: string;
  env?: Record<string, string>;
}

export async function openStack(opts: StackOptions): Promise<Stack> {
  const args: InlineProgramArgs = {
    projectName: opts.projectName,
    stackName: opts.stackName,
    program: opts.program,
  };
  const stack = await LocalWorkspace.createOrSelectStack(args, {
    pulumiCommand: await pulumiCommand(),
    ...(opts.workDir ? { workDir: opts.workDir } : {}),
    projectSettings: {
      name: opts.projectName,
      runtime: "nodejs",
      backend: { url: opts.backendUrl },
      ...(opts.workDir ? { main: opts.workDir } : {}),
    },
    envVars: {
      ...OFFLINE_ENV,
      PULUMI_BACKEND_URL: opts.backendUrl,
      PULUMI_CONFIG_PASSPHRASE: opts.passphrase,
      ...opts.env,
    },
  });
  if (opts.config) await stack.setAllConfig(opts.config);
  return stack;
}
