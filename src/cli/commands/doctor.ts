/**
 * `tazuna doctor`: is this machine ready to run Tazuna? Each program it
 * needs (found, which version), the kubeconfig and contexts, the state
 * backend and where the passphrase comes from; each problem with its fix.
 */
import { existsSync } from "node:fs";
import { access, constants } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { ConfigError } from "../../config/errors";
import { currentContext, kubeconfigFiles } from "../../config/kubeconfig";
import type { AddonType } from "../../config/schema";
import { PLUGIN_FIX, TOOLS, installedK8sPlugins, k8sPluginVersion, versionOf, whichOf } from "../../tools";
import { EXIT } from "../exit-codes";
import { SECRETS_FIX, backendOf, secretsSource } from "../cluster-stack";
import { loadTarget, optionalCluster, projectOf, type GlobalOptions } from "../project";

export interface Finding {
  ok: boolean;
  /** A problem that stops apply/plan (exit 1), rather than a warning. */
  required: boolean;
  what: string;
  detail: string;
  fix?: string;
}

/** Which render programs the declaration needs; all of them when it cannot be read. */
async function neededRenderers(opts: GlobalOptions): Promise<Set<AddonType> | undefined> {
  try {
    const t = await loadTarget(opts, await optionalCluster(opts));
    return new Set(t.declaration.addons.map((a) => a.type));
  } catch (err) {
    if (err instanceof ConfigError) return undefined;
    throw err;
  }
}

async function programs(opts: GlobalOptions): Promise<Finding[]> {
  const types = await neededRenderers(opts);
  const uses = (type: AddonType) => types === undefined || types.has(type);
  const needed = {
    pulumi: true,
    kubectl: true,
    // An oras artifact is rendered by its delegate, kustomize or helmfile.
    kustomize: uses("kustomize") || uses("oras"),
    helm: uses("helm") || uses("helmfile") || uses("oras"),
    helmfile: uses("helmfile") || uses("oras"),
    oras: uses("oras"),
  };
  const out: Finding[] = [];
  for (const [key, tool] of Object.entries(TOOLS)) {
    const required = needed[key as keyof typeof needed];
    const version = await versionOf(tool);
    out.push({
      ok: version !== undefined,
      required,
      what: tool.name,
      detail: version
        ? `${version} (${await whichOf(tool.name)})`
        : `not found on PATH; ${tool.role}${required ? "" : " (not used by this tazuna.yaml)"}`,
      ...(version ? {} : { fix: tool.fix }),
    });
  }
  return out;
}

async function enginePlugins(): Promise<Finding[]> {
  const want = k8sPluginVersion();
  const have = await installedK8sPlugins();
  if (have === undefined) return [];
  const host = await whichOf("pulumi-language-nodejs");
  return [
    {
      ok: have.includes(want),
      required: true,
      what: "kubernetes plugin",
      detail: have.includes(want)
        ? `v${want}`
        : `v${want} is not installed${have.length > 0 ? ` (installed: ${have.join(", ")})` : ""}`,
      ...(have.includes(want) ? {} : { fix: PLUGIN_FIX() }),
    },
    {
      ok: host !== undefined,
      required: false,
      what: "nodejs language host",
      detail:
        host ?? "pulumi-language-nodejs not on PATH; needed to run a project's own program (Pulumi.yaml)",
      ...(host ? {} : { fix: "it ships with the Pulumi CLI: put the CLI's whole folder on PATH" }),
    },
  ];
}

function kubeconfig(opts: GlobalOptions): Finding {
  const files = opts.kubeconfig ? [path.resolve(opts.kubeconfig)] : kubeconfigFiles();
  const context = opts.context ?? currentContext(files);
  return {
    ok: context !== undefined,
    required: false,
    what: "kubeconfig",
    detail: `${files.join(path.delimiter)}; current context: ${context ?? "none"}`,
    ...(context
      ? {}
      : { fix: "kubectl config use-context NAME, or --context NAME, or stack files naming tazuna:context" }),
  };
}

async function backend(opts: GlobalOptions): Promise<Finding> {
  const { url, source } = backendOf(opts);
  if (!url.startsWith("file://"))
    return { ok: true, required: false, what: "state backend", detail: `${url} (${source})` };
  // The folder, or the nearest existing folder above it that tazuna would create it in.
  let dir = fileURLToPath(url);
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const writable = await access(dir, constants.W_OK).then(
    () => true,
    () => false,
  );
  return {
    ok: writable,
    required: true,
    what: "state backend",
    detail: `${url} (${source})${writable ? "" : `: ${dir} is not writable`}`,
    ...(writable ? {} : { fix: "pass --backend URL (or TAZUNA_BACKEND) to a place you can write" }),
  };
}

function passphrase(): Finding {
  const s = secretsSource();
  const detail = !s
    ? "no passphrase and no KMS: plan, apply, status and state refuse to run"
    : s.kind === "kms"
      ? `TAZUNA_SECRETS_PROVIDER (${s.url})`
      : s.kind === "passphrase"
        ? "PULUMI_CONFIG_PASSPHRASE"
        : `PULUMI_CONFIG_PASSPHRASE_FILE (${s.file})`;
  return {
    ok: s !== undefined,
    required: true,
    what: "secrets in state",
    detail,
    ...(s ? {} : { fix: SECRETS_FIX }),
  };
}

export async function diagnose(opts: GlobalOptions): Promise<Finding[]> {
  const project = projectOf(opts);
  return [
    {
      ok: true,
      required: false,
      what: "project",
      detail: `${project.dir}: ${project.ownProgram ? `Pulumi project "${project.name}", its own program` : `built-in program, project name "${project.name}"`}`,
    },
    ...(await programs(opts)),
    ...(await enginePlugins()),
    kubeconfig(opts),
    await backend(opts),
    passphrase(),
  ];
}

export function format(findings: Finding[]): string {
  return findings
    .map((f) => {
      const mark = f.ok ? "ok     " : f.required ? "MISSING" : "warn   ";
      return `${mark} ${f.what.padEnd(20)} ${f.detail}${f.fix ? `\n        fix: ${f.fix}` : ""}`;
    })
    .join("\n");
}

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("doctor")
    .description(
      "check this machine: the programs Tazuna needs, the kubeconfig, the state backend, the passphrase",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  tazuna doctor\n  tazuna doctor -o json\n\nExit 1 when something required is missing; each problem says how to fix it.",
    )
    .action(async () => {
      const opts = globals();
      const findings = await diagnose(opts);
      console.log(opts.output === "json" ? JSON.stringify({ findings }) : format(findings));
      process.exitCode = findings.some((f) => !f.ok && f.required) ? EXIT.error : EXIT.ok;
    });
}
