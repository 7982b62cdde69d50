/**
 * The programs Tazuna runs, how to tell their versions, and how to install
 * each one. One table for `tazuna doctor`, `tazuna version` and the error a
 * command gives when a program is missing.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { execa } from "./exec";
import { OFFLINE_ENV } from "./offline-env";

export interface Tool {
  name: string;
  args: string[];
  /** What it is for, in doctor's table. */
  role: string;
  fix: string;
}

/** The Kubernetes provider plugin version the engine must have: the one @pulumi/kubernetes was built with. */
export function k8sPluginVersion(): string {
  const pkg = require.resolve("@pulumi/kubernetes/package.json");
  return (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
}

export const PLUGIN_FIX = () =>
  `pulumi plugin install resource kubernetes v${k8sPluginVersion()}   (offline: add --file <path to pulumi-resource-kubernetes>)`;

/** The programs Tazuna runs. */
export type ToolName = "pulumi" | "kubectl" | "kustomize" | "helm" | "helmfile" | "oras";

export const TOOLS: Record<ToolName, Tool> = {
  pulumi: {
    name: "pulumi",
    args: ["version"],
    role: "the engine (apply, plan, destroy, status, state)",
    fix: "install the Pulumi CLI (pulumi.com/docs/install) and put its folder on PATH",
  },
  kubectl: {
    name: "kubectl",
    args: ["version", "--client", "-o", "yaml"],
    role: "readiness gates, drift, status",
    fix: "install kubectl (kubernetes.io/docs/tasks/tools) and put it on PATH",
  },
  kustomize: {
    name: "kustomize",
    args: ["version"],
    role: "renders type: kustomize",
    fix: "install kustomize (kubectl.docs.kubernetes.io/installation/kustomize) and put it on PATH",
  },
  helm: {
    name: "helm",
    args: ["version", "--short"],
    role: "renders type: helm (and helmfile's releases)",
    fix: "install helm 3 (helm.sh/docs/intro/install) and put it on PATH",
  },
  helmfile: {
    name: "helmfile",
    args: ["version", "-o", "short"],
    role: "renders type: helmfile",
    fix: "install helmfile (github.com/helmfile/helmfile/releases) and put it on PATH",
  },
  oras: {
    name: "oras",
    args: ["version"],
    role: "pulls type: oras artifacts",
    fix: "install the oras CLI (oras.land/docs/installation) and put it on PATH",
  },
};

/** What to tell a user whose PATH lacks a program Tazuna runs. */
export function missingFix(command: string): string {
  const tool = Object.values(TOOLS).find((t) => t.name === command);
  return `${tool?.fix ?? `install ${command} and put it on PATH`}; tazuna doctor checks every program Tazuna needs`;
}

/** The version a program reports, or undefined when it is not on PATH or does not run. */
export async function versionOf(tool: Pick<Tool, "name" | "args">): Promise<string | undefined> {
  const res = await execa(tool.name, tool.args, {
    reject: false,
    timeout: 20_000,
    env: { ...OFFLINE_ENV, HELMFILE_UPGRADE_NOTICE_DISABLED: "1" },
  });
  if (res.failed) return undefined;
  return /v?\d+\.\d+\.\d+[^\s"]*/.exec(res.stdout)?.[0] ?? res.stdout.trim();
}

/** The kubernetes resource plugins the engine has installed, newest listing first. */
export async function installedK8sPlugins(): Promise<string[] | undefined> {
  const res = await execa("pulumi", ["plugin", "ls", "--json"], {
    reject: false,
    timeout: 20_000,
    env: OFFLINE_ENV,
  });
  if (res.failed) return undefined;
  const list = JSON.parse(res.stdout || "[]") as { name?: string; kind?: string; version?: string }[];
  return list.filter((p) => p.name === "kubernetes" && p.kind === "resource").map((p) => p.version ?? "");
}

/** Where a program would be run from, or undefined. */
export async function whichOf(name: string): Promise<string | undefined> {
  const res = await execa("sh", ["-c", `command -v ${name}`], { reject: false });
  return res.exitCode === 0 ? path.resolve(res.stdout.trim()) : undefined;
}
