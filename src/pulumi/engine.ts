/**
 * How Tazuna reaches the Pulumi engine: the self-built CLI from the tool
 * cache, with every switch that could make it touch the network turned off.
 */
import * as path from "node:path";
import { execaSync } from "execa";
import { PulumiCommand } from "@pulumi/pulumi/automation";

/** Environment for every engine run: no update check, no plugin downloads, no telemetry. */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  PULUMI_SKIP_UPDATE_CHECK: "true",
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
  PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
  PULUMI_OPTOUT_TELEMETRY: "true",
};

export class EngineNotFoundError extends Error {
  constructor(detail: string) {
    super(
      `the pulumi CLI was not found (${detail})\n  fix: run \`bash scripts/tools.sh\` and put its env on PATH: eval "$(bash scripts/tools.sh --env)"`,
    );
    this.name = "EngineNotFoundError";
  }
}

/** The folder above `bin/pulumi`, which PulumiCommand.get wants as its root. */
export function pulumiRoot(): string {
  const res = execaSync("sh", ["-c", "command -v pulumi"], { reject: false });
  const bin = res.stdout.trim();
  if (res.exitCode !== 0 || !bin) throw new EngineNotFoundError("not on PATH");
  return path.dirname(path.dirname(bin));
}

let command: Promise<PulumiCommand> | undefined;

export function pulumiCommand(): Promise<PulumiCommand> {
  command ??= PulumiCommand.get({ root: pulumiRoot() });
  return command;
}
