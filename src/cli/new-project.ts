/**
 * The files of a new project, as `tazuna init` writes them: tazuna.yaml with
 * one add-on and the editor schema lines, the Pulumi program (Pulumi.yaml,
 * index.ts, package.json on this Tazuna and its SDKs, tsconfig.json) and a
 * .gitignore.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { TAZUNA_VERSION } from "../process/version";
import { EDITOR_SCHEMA_FILE } from "./schema-files";

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

export function tazunaYaml(context: string): string {
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

export const BASE = `apiVersion: v1
kind: Namespace
metadata:
  name: platform
`;

export const INDEX_TS = `// tazuna.yaml as a Pulumi program: \`pulumi up\` and \`tazuna apply\` both run this file
// on the stack's cluster (stacks/Pulumi.<cluster>.yaml). Resources added here are
// part of the same stack.
import * as pulumi from "@pulumi/pulumi";
import { settingsFromConfig, tazunaProgram } from "tazuna";

const stackName = pulumi.getStack();
export = tazunaProgram({ projectDir: __dirname, stackName, settings: settingsFromConfig(stackName) });
`;

export const TSCONFIG = `${JSON.stringify(
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
export function tazunaDependency(root = path.resolve(__dirname, "..", "..")): {
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

export function packageJson(name: string, tazuna: string): string {
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

export function pulumiYaml(name: string): string {
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

export const GITIGNORE = `node_modules/
.tazuna/
bin/
`;
