/** Helpers for e2e tests of tazuna.yaml programs: a mutable copy of a project and a stack on it. */
import { cp, mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { execa } from "execa";
import { stringify } from "yaml";
import type { StackSettings } from "../../src/config/settings";
import { tazunaProgram } from "../../src/program/program";
import { openStack } from "../../src/engine/workspace";
import { builtInProjectName } from "../../src/cli/project";
import type { Kubectl } from "../../src/cluster/kubectl";
import { PASSPHRASE, tazuna } from "../tazuna";

export { PASSPHRASE };
export const EXAMPLE = path.resolve(__dirname, "../../examples/foundation");

/** A throwaway copy of examples/foundation plus a local file backend beside it. */
export async function scratchProject(): Promise<{ dir: string; backend: string }> {
  const root = await mkdtemp(path.join(tmpdir(), "tazuna-e2e-"));
  const dir = path.join(root, "project");
  await cp(EXAMPLE, dir, { recursive: true });
  await mkdir(path.join(root, "state"));
  return { dir, backend: `file://${root}/state` };
}

export function tazunaStack(
  project: { dir: string; backend: string },
  stackName: string,
  settings: StackSettings,
  // Default: the name the tazuna command gives a folder without Pulumi.yaml, so both reach the same stack.
  projectName = builtInProjectName(project.dir),
): Promise<Stack> {
  return openStack({
    projectName,
    stackName,
    backendUrl: project.backend,
    passphrase: PASSPHRASE,
    program: () => tazunaProgram({ projectDir: project.dir, stackName, settings }),
  });
}

export async function exists(k: Kubectl, args: string[]): Promise<boolean> {
  const res = await execa("kubectl", ["--kubeconfig", k.kubeconfig, "get", ...args, "-o", "name"], {
    reject: false,
  });
  if (res.exitCode === 0) return true;
  if (/NotFound|not found|the server doesn't have a resource type/.test(res.stderr)) return false;
  throw new Error(`kubectl get ${args.join(" ")}: ${res.stderr}`);
}

/** Names of every object of these kinds, to compare a cluster before and after. */
export async function inventory(k: Kubectl): Promise<string[]> {
  const out = await k([
    "get",
    "namespaces,crds,clusterroles,deployments,daemonsets,configmaps",
    "-A",
    "-o",
    "name",
  ]);
  return out
    .split("\n")
    .filter((l) => l && !l.includes("kube-root-ca.crt"))
    .sort();
}

/** One field of a live object, by JSONPath: field(k, "deployment/web", "default", "{.status.readyReplicas}"). */
export function field(
  k: Kubectl,
  object: string,
  namespace: string | undefined,
  jsonpath: string,
): Promise<string> {
  return k(["get", object, ...(namespace ? ["-n", namespace] : []), "-o", `jsonpath=${jsonpath}`]);
}

/**
 * The built tazuna command on the example's project `dir()` (a test may
 * move to another) against a test cluster, with `env` added to the
 * environment.
 */
export function tazunaOnExample(cluster: () => { kubeconfig: string; context: string }, dir: () => string) {
  return (args: string[], env: Record<string, string> = {}) =>
    tazuna(
      [
        "-p",
        dir(),
        "--kubeconfig",
        cluster().kubeconfig,
        "--context",
        cluster().context,
        "--var",
        "overlay=local",
        ...args,
      ],
      { env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, ...env } },
    );
}

/** A copy of the example with one stack file per name, all on the same test cluster: a fleet for --all. */
export async function fleetOnOneCluster(
  cluster: { kubeconfig: string; context: string },
  names: string[],
): Promise<string> {
  const { dir } = await scratchProject();
  await mkdir(path.join(dir, "stacks"));
  for (const name of names)
    await writeFile(
      path.join(dir, `stacks/Pulumi.${name}.yaml`),
      stringify({
        config: {
          "tazuna:context": cluster.context,
          "tazuna:kubeconfig": cluster.kubeconfig,
          "tazuna:vars": { overlay: "local" },
        },
      }),
    );
  return dir;
}
