/**
 * `tazuna init`: a complete project that works as written: tazuna.yaml with
 * one add-on, the Pulumi program (Pulumi.yaml, index.ts, package.json,
 * tsconfig.json), one stack file and a .gitignore. Never overwrites, never asks.
 */
import { existsSync, readFileSync } from "node:fs";
import { access, mkdir, open, writeFile } from "node:fs/promises";
import { EDITOR_SCHEMA_FILE } from "../schema-files";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { expandHome } from "../../kube/kubeconfig";
import * as path from "node:path";
import type { Command } from "commander";
import { TAZUNA_VERSION } from "../../process/version";
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

/**
 * The package.json init writes installs tazuna into the project, so the editor
 * schema is there after npm install, offline, at the version that reads the file.
 * yaml-language-server (VS Code) reads the first line, JetBrains IDEs the second.
 */
const SCHEMA_PATH = `./node_modules/tazuna/schemas/${EDITOR_SCHEMA_FILE}`;
export const SCHEMA_LINES = `# yaml-language-server: $schema=${SCHEMA_PATH}\n# $schema: ${SCHEMA_PATH}`;

function tazunaYaml(context: string): string {
  return `${SCHEMA_LINES}
apiVersion: tazuna.pepabo.com/v1
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

const LockSchema = z
  .object({
    packages: z.record(z.string(), z.object({ resolved: z.string().optional() }).loose()).optional(),
  })
  .loose();

/** Where npm says it got the package at `root`: the lockfile of the tree it was installed into. */
function resolvedFrom(root: string): string | undefined {
  const nodeModules = path.dirname(root);
  if (path.basename(nodeModules) !== "node_modules") return undefined;
  const tree = path.dirname(nodeModules);
  const key = path.relative(tree, root).split(path.sep).join("/");
  for (const lock of [path.join(nodeModules, ".package-lock.json"), path.join(tree, "package-lock.json")]) {
    let text: string;
    try {
      text = readFileSync(lock, "utf8");
    } catch {
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      continue;
    }
    const parsed = LockSchema.safeParse(json);
    const resolved = parsed.success ? parsed.data.packages?.[key]?.resolved : undefined;
    if (!resolved) continue;
    // npm writes a tarball it installed from disk relative to the tree's folder.
    return resolved.startsWith("file:") ? `file:${path.resolve(tree, resolved.slice(5))}` : resolved;
  }
  return undefined;
}

/**
 * The project's dependency on tazuna, the way the running tazuna was
 * installed: the same tarball (file:) when it came from one that still
 * exists, else the registry version. Says which, for init's output.
 */
export function tazunaDependency(root = path.resolve(__dirname, "..", "..", "..")): {
  spec: string;
  from: string;
  /** The line that installs it when the registry may not have tazuna. */
  install?: string;
} {
  const resolved = resolvedFrom(root);
  if (resolved?.startsWith("file:") && resolved.endsWith(".tgz") && existsSync(resolved.slice(5)))
    return { spec: resolved, from: `the tarball this tazuna was installed from (${resolved.slice(5)})` };
  return {
    spec: `^${TAZUNA_VERSION}`,
    from: resolved?.startsWith("http")
      ? "the npm registry, as this tazuna was installed"
      : "the npm registry (npm keeps no record of the tarball a global install came from)",
    ...(resolved?.startsWith("http") ? {} : { install: `npm install /path/to/tazuna-${TAZUNA_VERSION}.tgz` }),
  };
}

function packageJson(name: string, tazuna: string): string {
  const sdk = sdkVersions();
  return `${JSON.stringify(
    {
      name,
      private: true,
      main: "index.ts",
      dependencies: {
        "@pulumi/kubernetes": sdk.kubernetes,
        "@pulumi/pulumi": sdk.pulumi,
        tazuna,
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

const DEFAULT_PASSPHRASE_FILE = "~/.tazuna-passphrase";

/**
 * The passphrase that encrypts secrets in state: the file that
 * PULUMI_CONFIG_PASSPHRASE_FILE names (else ~/.tazuna-passphrase) is
 * created with a random value, mode 0600, when it does not exist; an
 * existing one is never touched.
 */
async function ensurePassphraseFile(env = process.env): Promise<{ export?: string; note: string }> {
  if (env.TAZUNA_SECRETS_PROVIDER && env.TAZUNA_SECRETS_PROVIDER !== "passphrase")
    return {
      note: `Secrets in state: encrypted by ${env.TAZUNA_SECRETS_PROVIDER} (TAZUNA_SECRETS_PROVIDER).`,
    };
  if (env.PULUMI_CONFIG_PASSPHRASE && !env.PULUMI_CONFIG_PASSPHRASE_FILE)
    return { note: "Secrets in state: encrypted with PULUMI_CONFIG_PASSPHRASE, as set in this shell." };
  const shown = env.PULUMI_CONFIG_PASSPHRASE_FILE ?? DEFAULT_PASSPHRASE_FILE;
  const file = expandHome(shown);
  const exportLine = env.PULUMI_CONFIG_PASSPHRASE_FILE
    ? undefined
    : `export PULUMI_CONFIG_PASSPHRASE_FILE=${shown}`;
  try {
    // "wx": never overwrite, never follow a planted link; 0600 from the start.
    const handle = await open(file, "wx", 0o600);
    await handle.writeFile(`${randomBytes(32).toString("base64")}\n`);
    await handle.close();
    return {
      ...(exportLine ? { export: exportLine } : {}),
      note: `Created ${shown} (mode 0600) with a random passphrase: it encrypts the secrets in state. Keep a copy somewhere safe (a password manager); without it those secrets cannot be read.`,
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return {
      ...(exportLine ? { export: exportLine } : {}),
      note: `Kept the existing ${shown}: its passphrase encrypts the secrets in state.`,
    };
  }
}
