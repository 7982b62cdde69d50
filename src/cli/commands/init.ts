/**
 * `tazuna init`: a complete project that works as written: tazuna.yaml with
 * one add-on, the Pulumi program (Pulumi.yaml, index.ts, package.json,
 * tsconfig.json), one stack file and a .gitignore. Never overwrites, never asks.
 */
import { access, mkdir, writeFile } from "node:fs/promises";
import { ensurePassphraseFile } from "../../state/passphrase";
import {
  BASE,
  GITIGNORE,
  INDEX_TS,
  TSCONFIG,
  packageJson,
  pulumiYaml,
  tazunaDependency,
  tazunaYaml,
} from "../new-project";
import * as path from "node:path";
import type { Command } from "commander";
import { UsageError } from "../errors";
import { builtInProjectName, type GlobalOptions } from "../project";

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

interface InitOptions {
  context?: string;
  force?: boolean;
}

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("init")
    .description(
      "write a complete project: tazuna.yaml, base/, package.json, tsconfig.json, Pulumi.yaml, index.ts, .gitignore, stacks/Pulumi.<cluster>.yaml",
    )
    .option("--context <name>", "the kubeconfig context of the first cluster (default: my-cluster)")
    .option("--force", "overwrite the files init writes where they exist (as the Go tool's init --force)")
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
      const dependency = tazunaDependency();
      const files: [string, string][] = [
        ["tazuna.yaml", tazunaYaml(context)],
        ["base/namespace.yaml", BASE],
        ["package.json", packageJson(name, dependency.spec)],
        ["tsconfig.json", TSCONFIG],
        ["Pulumi.yaml", pulumiYaml(name)],
        ["index.ts", INDEX_TS],
        [".gitignore", GITIGNORE],
        [`stacks/Pulumi.${cluster}.yaml`, `config:\n  tazuna:context: ${context}\n`],
      ];
      const existing = [];
      for (const [f] of files) if (await exists(path.join(dir, f))) existing.push(f);
      if (existing.length > 0 && !o.force)
        throw new UsageError(
          `not overwriting ${existing.join(", ")} in ${dir}\n  fix: run init in an empty folder (-p DIR), or pass --force to overwrite them`,
        );
      for (const [f, text] of files) {
        await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
        await writeFile(path.join(dir, f), text);
        console.log(`${existing.includes(f) ? "overwrote" : "wrote"} ${f}`);
      }
      console.log(`package.json: tazuna ${dependency.spec}, from ${dependency.from}`);
      // pulumi refuses a file backend whose folder does not exist.
      await mkdir(path.join(dir, ".tazuna", "state"), { recursive: true });
      const passphrase = await ensurePassphraseFile();
      const cd = path.relative(process.cwd(), dir) || ".";
      console.log(
        [
          "",
          `Pulumi project "${name}", cluster (stack) "${cluster}" on kubeconfig context "${context}".`,
          "Next:",
          ...(cd !== "." ? [`  cd ${cd}`] : []),
          dependency.install
            ? `  ${dependency.install}   # the tarball you installed tazuna from (from a registry that has tazuna: npm install)`
            : "  npm install                                  # tazuna, @pulumi/pulumi, @pulumi/kubernetes",
          ...(passphrase.export ? [`  ${passphrase.export}   # encrypts secrets in state`] : []),
          "  tazuna doctor                                # the programs Tazuna needs",
          "  tazuna check                                 # validate, no cluster needed",
          `  tazuna plan --cluster ${cluster}`,
          `  tazuna apply --cluster ${cluster}`,
          `With Pulumi itself, on the same program and state: pulumi up --stack ${cluster}`,
        ].join("\n"),
      );
      console.log(passphrase.note);
    });
}
