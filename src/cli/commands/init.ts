/** `tazuna init`: a starter tazuna.yaml, Pulumi program and one stack file; never overwrites, never asks. */
import { access, mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { Command } from "commander";
import { UsageError } from "../errors";
import type { GlobalOptions } from "../project";

const TAZUNA_YAML = `apiVersion: tazuna.pepabo.com/v1
kind: Tazuna
spec:
  # The kubeconfig contexts this declaration may be applied to.
  context_matches:
    - "^CLUSTER$"
  manifests:
    - name: base
      description: Namespaces and cluster-wide settings
      type: manifests
      path: base
`;

const BASE = `apiVersion: v1
kind: Namespace
metadata:
  name: platform
`;

const PULUMI_YAML = `name: tazuna
description: The foundation layer of our clusters
runtime: nodejs
main: index.ts
stackConfigDir: stacks
`;

const INDEX_TS = `// tazuna.yaml as a Pulumi program: \`pulumi up\` here applies it to the stack's cluster.
import * as pulumi from "@pulumi/pulumi";
import { settingsFromConfig, tazunaProgram } from "tazuna/src/pulumi/program";

const stackName = pulumi.getStack();
export = tazunaProgram({ projectDir: __dirname, stackName, settings: settingsFromConfig(stackName) });
`;

async function missing(file: string): Promise<boolean> {
  return access(file).then(
    () => false,
    () => true,
  );
}

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("init")
    .description("write a starter tazuna.yaml, Pulumi.yaml, index.ts and stacks/Pulumi.<cluster>.yaml")
    .option("--context <name>", "the kubeconfig context of the first cluster", "my-cluster")
    .addHelpText("after", "\nExample:\n  tazuna init --cluster dev --context kind-dev")
    .action(async (o: { context: string }) => {
      const opts = globals();
      const dir = path.resolve(opts.project);
      const cluster = opts.cluster ?? "dev";
      const files: [string, string][] = [
        [
          "tazuna.yaml",
          TAZUNA_YAML.replace("^CLUSTER$", `^${o.context.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
        ],
        ["base/namespace.yaml", BASE],
        ["Pulumi.yaml", PULUMI_YAML],
        ["index.ts", INDEX_TS],
        [`stacks/Pulumi.${cluster}.yaml`, `config:\n  tazuna:context: ${o.context}\n`],
      ];
      const existing = [];
      for (const [f] of files) if (!(await missing(path.join(dir, f)))) existing.push(f);
      if (existing.length > 0) throw new UsageError(`not overwriting ${existing.join(", ")} in ${dir}`);
      for (const [f, text] of files) {
        await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
        await writeFile(path.join(dir, f), text);
        console.log(`wrote ${f}`);
      }
    });
}
