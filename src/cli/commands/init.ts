/**
 * `tazuna init`: a complete project that works as written: tazuna.yaml with
 * one add-on, the Pulumi program (Pulumi.yaml, index.ts, package.json,
 * tsconfig.json), one stack file and a .gitignore. Never overwrites, never asks.
 */
import { access, mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { Command } from "commander";
import { TAZUNA_VERSION } from "../../version";
import { UsageError } from "../errors";
import { builtInProjectName, type GlobalOptions } from "../project";

/** The SDK versions this Tazuna is built and tested with; the project must load the same ones. */
function sdkVersions(): { pulumi: string; kubernetes: string } {
  /* eslint-disable @typescript-eslint/no-require-imports -- only the package.json files */
  return {
    pulumi: (require("@pulumi/pulumi/package.json") as { version: string }).version,
    kubernetes: (require("@pulumi/kubernetes/package.json") as { version: string }).version,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

const regexpOf = (s: string) => `^${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;

function tazunaYaml(context: string): string {
  return `apiVersion: tazuna.pepabo.com/v1
kind: Tazuna
spec:
  # The kubeconfig contexts this declaration may be applied to (RE2, whole name).
  context_matches:
    - "${regexpOf(context)}"
  manifests:
    - name: base
      description: Namespaces and cluster-wide settings
      type: manifests
      path: base
`;
}

const BASE = `apiVersion: v1
kind: Namespace
metadata:
  name: platform
`;

const INDEX_TS = `// tazuna.yaml as a Pulumi program: \`pulumi up\` and \`tazuna apply\` both run this file
// on the stack's cluster (stacks/Pulumi.<cluster>.yaml). Resources added here are
// part of the same stack.
import * as pulumi from "@pulumi/pulumi";
import { settingsFromConfig, tazunaProgram } from "tazuna";

const stackName = pulumi.getStack();
export = tazunaProgram({ projectDir: __dirname, stackName, settings: settingsFromConfig(stackName) });
`;

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022",
      module: "commonjs",
      moduleResolution: "node",
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      outDir: "bin",
    },
    files: ["index.ts"],
  },
  null,
  2,
)}\n`;

function packageJson(name: string): string {
  const sdk = sdkVersions();
  return `${JSON.stringify(
    {
      name,
      private: true,
      main: "index.ts",
      dependencies: {
        "@pulumi/kubernetes": sdk.kubernetes,
        "@pulumi/pulumi": sdk.pulumi,
        tazuna: `^${TAZUNA_VERSION}`,
      },
      devDependencies: { "@types/node": "^20", typescript: "^5.9.3" },
    },
    null,
    2,
  )}\n`;
}

function pulumiYaml(name: string): string {
  return `name: ${name}
description: The foundation layer of our clusters (tazuna.yaml)
runtime: nodejs
main: index.ts
stackConfigDir: stacks
# Where tazuna and plain pulumi keep the stacks' state: a folder in this project
# (git-ignored). A team shares it with s3://, gs://, azblob:// or Pulumi Cloud.
backend:
  url: file://./.tazuna/state
`;
}

const GITIGNORE = `node_modules/
.tazuna/
bin/
`;

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

interface InitOptions {
  context?: string;
}

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("init")
    .description(
      "write a complete project: tazuna.yaml, base/, package.json, tsconfig.json, Pulumi.yaml, index.ts, .gitignore, stacks/Pulumi.<cluster>.yaml",
    )
    .option("--context <name>", "the kubeconfig context of the first cluster (default: my-cluster)")
    .addHelpText(
      "after",
      "\nExamples:\n  tazuna init --cluster dev --context kind-dev\n  tazuna -p foundation --project-name acme-foundation init --context prod-tokyo\n\nThe Pulumi project name is --project-name, else the folder's name; the cluster (stack) is --cluster, else dev.",
    )
    .action(async (o: InitOptions) => {
      const opts = globals();
      const dir = path.resolve(opts.project);
      const cluster = opts.cluster ?? "dev";
      const name = builtInProjectName(dir, opts.projectName);
      // --context is also a global option; wherever it is given, it names the first cluster's context.
      const context = o.context ?? opts.context ?? "my-cluster";
      const files: [string, string][] = [
        ["tazuna.yaml", tazunaYaml(context)],
        ["base/namespace.yaml", BASE],
        ["package.json", packageJson(name)],
        ["tsconfig.json", TSCONFIG],
        ["Pulumi.yaml", pulumiYaml(name)],
        ["index.ts", INDEX_TS],
        [".gitignore", GITIGNORE],
        [`stacks/Pulumi.${cluster}.yaml`, `config:\n  tazuna:context: ${context}\n`],
      ];
      const existing = [];
      for (const [f] of files) if (await exists(path.join(dir, f))) existing.push(f);
      if (existing.length > 0)
        throw new UsageError(
          `not overwriting ${existing.join(", ")} in ${dir}\n  fix: run init in an empty folder (-p DIR)`,
        );
      for (const [f, text] of files) {
        await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
        await writeFile(path.join(dir, f), text);
        console.log(`wrote ${f}`);
      }
      // pulumi refuses a file backend whose folder does not exist.
      await mkdir(path.join(dir, ".tazuna", "state"), { recursive: true });
      const cd = path.relative(process.cwd(), dir) || ".";
      console.log(
        [
          "",
          `Pulumi project "${name}", cluster (stack) "${cluster}" on kubeconfig context "${context}".`,
          "Next:",
          ...(cd !== "." ? [`  cd ${cd}`] : []),
          "  npm install                                  # tazuna, @pulumi/pulumi, @pulumi/kubernetes",
          "  export PULUMI_CONFIG_PASSPHRASE_FILE=~/.tazuna-passphrase   # encrypts secrets in state",
          "  tazuna doctor                                # the programs Tazuna needs",
          "  tazuna check                                 # validate, no cluster needed",
          `  tazuna plan --cluster ${cluster}`,
          `  tazuna apply --cluster ${cluster}`,
          `With Pulumi itself, on the same program and state: pulumi up --stack ${cluster}`,
        ].join("\n"),
      );
    });
}
