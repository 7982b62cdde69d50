/**
 * type: helmfile — `helmfile template`. Each of `helmfile.vars` becomes an
 * environment variable of the helmfile process (read with requiredEnv), from
 * a static value, the caller's environment, or 1Password (`op read`).
 */
import type { Addon } from "../config/model";
import { parseObjects, withDefaultNamespace, type K8sObject } from "./objects";
import { runTool } from "./run";
import { RenderError } from "./errors";

type VarSource = { static: string } | { env: string } | { op: string };

async function resolveVar(a: Addon, name: string, src: VarSource): Promise<string> {
  if ("static" in src) return src.static;
  if ("env" in src) {
    const v = process.env[src.env];
    if (v === undefined) {
      throw new RenderError(
        a.name,
        `helmfile var ${name}`,
        `environment variable ${src.env} is not set`,
        `export ${src.env} before running, or use static:`,
      );
    }
    return v;
  }
  return runTool({
    addon: a.name,
    command: "op",
    args: ["read", src.op],
    cwd: a.baseDir,
    fix: "sign in to 1Password (op signin) and check the reference",
  });
}

export async function renderHelmfile(a: Addon): Promise<K8sObject[]> {
  const h = a.helmfile ?? {};
  // Without this, helmfile asks github.com for a newer release.
  const env: Record<string, string> = { HELMFILE_UPGRADE_NOTICE_DISABLED: "1" };
  for (const [k, src] of Object.entries(h.vars ?? {})) env[k] = await resolveVar(a, k, src);
  const dir = a.dir ?? a.baseDir;
  const args = ["template", "--file", dir, "--skip-deps", "--quiet"];
  if (h.environment) args.splice(1, 0, "--environment", h.environment);
  if (h.includeCRDs !== false) args.push("--include-crds");
  if (h.kubeVersion) args.push("--kube-version", h.kubeVersion);
  const out = await runTool({
    addon: a.name,
    command: "helmfile",
    args,
    cwd: dir,
    env,
    fix: `fix the helmfile in ${dir}; run the command above to see the same error`,
  });
  return withDefaultNamespace(parseObjects(out, `helmfile template ${dir}`), a.namespace);
}
