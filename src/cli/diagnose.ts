/**
 * What `tazuna doctor` checks: each program Tazuna needs (found, which
 * version; the render tools each add-on type runs), the engine's plugins,
 * the secret stores the declaration reads, the kubeconfig and contexts, the
 * state backend and where the passphrase comes from; each problem with its fix.
 */
import { existsSync } from "node:fs";
import * as os from "node:os";
import { access, constants } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../config/errors";
import { currentContext, kubeconfigFiles, kubeconfigProblem } from "../kube/kubeconfig";
import { ADDON_TYPES, type Addon } from "../addon-types";
import { DEFAULT_OP } from "../config/genesis-secret";
import {
  PLUGIN_FIX,
  TOOLS,
  installedK8sPlugins,
  k8sPluginVersion,
  versionOf,
  whichOf,
  type ToolName,
} from "../process/tools";
import { backendOf } from "./cluster-stack";
import { SECRETS_FIX, readPassphraseFile, secretsSource } from "../state/passphrase";
import { loadTarget, optionalCluster, projectOf, type GlobalOptions } from "./project";

export interface Finding {
  ok: boolean;
  /** A problem that stops apply/plan (exit 1), rather than a warning. */
  required: boolean;
  what: string;
  detail: string;
  fix?: string;
}

/** The declaration's add-ons; undefined when it cannot be read (then everything counts as needed). */
async function declaredAddons(opts: GlobalOptions): Promise<Addon[] | undefined> {
  try {
    return (await loadTarget(opts, await optionalCluster(opts))).declaration.addons;
  } catch (err) {
    if (err instanceof ConfigError) return undefined;
    throw err;
  }
}

type SecretStore = "sops" | "op";

/** The secret stores the declaration reads at apply time: GenesisSecrets and helmfile vars. */
function secretStores(addons: Addon[]): Set<SecretStore> {
  const out = new Set<SecretStore>();
  for (const a of addons) {
    if (a.genesisSecret) {
      const name = a.genesisSecret.provider || DEFAULT_OP;
      const type = a.secretProviders?.find((p) => p.name === name)?.type;
      if (type === "sops") out.add("sops");
      if (type === undefined) out.add("op");
    }
    for (const v of Object.values(a.helmfile?.vars ?? {})) {
      if ("from" in v && (v.from === "sops" || v.from === "op")) out.add(v.from);
      if ("op" in v && !("from" in v)) out.add("op");
    }
  }
  return out;
}

const AGE_KEYS = path.join(os.homedir(), ".config/sops/age/keys.txt");

/** Is each secret store usable here: its CLI on PATH, and where its key or sign-in would come from. */
async function secretProviders(addons: Addon[] | undefined): Promise<Finding[]> {
  // Unreadable: nothing is known to need them, so their absence is a warning.
  const used = addons ? secretStores(addons) : new Set<SecretStore>();
  const sops = await whichOf("sops");
  const op = await whichOf("op");
  const ageKey = process.env.SOPS_AGE_KEY_FILE ?? (process.env.SOPS_AGE_KEY ? "SOPS_AGE_KEY" : undefined);
  const keyDetail =
    ageKey ??
    (existsSync(AGE_KEYS) ? AGE_KEYS : "no age key (SOPS_AGE_KEY_FILE); KMS or PGP keys may still work");
  const token = process.env.OP_SERVICE_ACCOUNT_TOKEN
    ? "OP_SERVICE_ACCOUNT_TOKEN set"
    : "a signed-in op session (op signin)";
  const usedNote = (s: SecretStore) => (used.has(s) ? "" : " (not used by this tazuna.yaml)");
  return [
    { ok: true, required: false, what: "secrets: env, file", detail: "always usable (read at apply time)" },
    {
      ok: sops !== undefined,
      required: used.has("sops"),
      what: "secrets: sops",
      detail: sops ? `${sops}; key: ${keyDetail}${usedNote("sops")}` : `sops not on PATH${usedNote("sops")}`,
      ...(sops ? {} : { fix: "install sops (github.com/getsops/sops) and put it on PATH" }),
    },
    {
      ok: op !== undefined,
      required: used.has("op"),
      what: "secrets: 1Password",
      detail: op
        ? `${op}; needs ${token}${usedNote("op")}`
        : `op (the 1Password CLI) not on PATH${usedNote("op")}`,
      ...(op ? {} : { fix: "install the 1Password CLI (op) and sign in, or set OP_SERVICE_ACCOUNT_TOKEN" }),
    },
  ];
}

/** The programs Tazuna runs; the render programs the declaration needs (all of them when it cannot be read). */
async function programs(addons: Addon[] | undefined): Promise<Finding[]> {
  const types = addons && new Set<string>(addons.map((a) => a.type));
  // The engine's tools always; a render tool when an add-on's type runs it.
  const needed = new Set<ToolName>([
    "pulumi",
    "kubectl",
    ...ADDON_TYPES.filter((t) => types === undefined || types.has(t.name)).flatMap((t) => t.tools),
  ]);
  const out: Finding[] = [];
  for (const [key, tool] of Object.entries(TOOLS)) {
    const required = needed.has(key as ToolName);
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
  const problem = kubeconfigProblem(files);
  if (problem && problem.kind !== "no such context")
    return {
      ok: false,
      required: false,
      what: "kubeconfig",
      detail:
        problem.kind === "missing"
          ? `${files.join(path.delimiter)} does not exist`
          : `cannot read ${problem.file} (${problem.reason})`,
      fix: "pass --kubeconfig FILE or export KUBECONFIG=FILE (or tazuna:kubeconfig in a stack file)",
    };
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
  const file = s?.kind === "passphrase file" ? readPassphraseFile(s.file) : undefined;
  if (file && "problem" in file)
    return { ok: false, required: true, what: "secrets in state", detail: file.problem, fix: file.fix };
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
  const addons = await declaredAddons(opts);
  return [
    {
      ok: true,
      required: false,
      what: "project",
      detail: `${project.dir}: ${project.ownProgram ? `Pulumi project "${project.name}", its own program` : `built-in program, project name "${project.name}"`}`,
    },
    ...(await programs(addons)),
    ...(await enginePlugins()),
    ...(await secretProviders(addons)),
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
