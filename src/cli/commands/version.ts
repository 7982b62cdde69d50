/** `tazuna version`: Tazuna, the Pulumi engine, the provider plugin and the render tools. */
import type { Command } from "commander";
import { execa } from "execa";
import { TAZUNA_VERSION } from "../../config/load";
import { OFFLINE_ENV } from "../../pulumi/engine";

const TOOLS: [string, string[]][] = [
  ["pulumi", ["version"]],
  ["kubectl", ["version", "--client", "-o", "yaml"]],
  ["kustomize", ["version"]],
  ["helm", ["version", "--short"]],
  ["helmfile", ["version", "-o", "short"]],
];

async function versionOf(cmd: string, args: string[]): Promise<string> {
  const res = await execa(cmd, args, {
    reject: false,
    env: { ...OFFLINE_ENV, HELMFILE_UPGRADE_NOTICE_DISABLED: "1" },
  });
  if (res.failed) return "not found";
  const m = /v?\d+\.\d+\.\d+[^\s"]*/.exec(res.stdout);
  return m?.[0] ?? res.stdout.trim();
}

export function register(program: Command): void {
  program
    .command("version")
    .description("print the versions of Tazuna, the engine, the plugin and the tools")
    .addHelpText("after", "\nExample:\n  tazuna version")
    .action(async () => {
      console.log(`tazuna\t${TAZUNA_VERSION}`);
      for (const [cmd, args] of TOOLS) console.log(`${cmd}\t${await versionOf(cmd, args)}`);
      const plugins = await execa("pulumi", ["plugin", "ls"], { reject: false, env: OFFLINE_ENV });
      const k8s = /kubernetes\s+resource\s+(\S+)/.exec(plugins.stdout)?.[1] ?? "not installed";
      console.log(`pulumi-resource-kubernetes\t${k8s}`);
    });
}
