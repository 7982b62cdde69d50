/** type: kustomize — `kustomize build -- <path>`. */
import type { Addon } from "../config/model";
import { parseObjects, withDefaultNamespace, type K8sObject } from "../kube/objects";
import { runTool } from "./run";

export async function renderKustomize(a: Addon): Promise<K8sObject[]> {
  const dir = a.dir ?? a.baseDir;
  const out = await runTool({
    addon: a.name,
    command: "kustomize",
    args: ["build", "--", dir],
    cwd: a.baseDir,
    fix: `fix the kustomization in ${dir}; run the command above to see the same error`,
  });
  return withDefaultNamespace(
    parseObjects(out, `kustomize build ${dir}`),
    a.kustomize?.defaultNamespace ?? a.namespace,
  );
}
