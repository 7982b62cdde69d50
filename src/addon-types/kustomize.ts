/** type: kustomize — `kustomize build -- <path>`. */
import { z } from "zod";
import { addonType, type WithBlock } from "./contract";
import { parseObjects, withDefaultNamespace, type K8sObject } from "../kube/objects";
import { runTool } from "../render/run";

export const KustomizeSchema = z.strictObject({
  defaultNamespace: z.string().optional(),
});

/** An add-on rendered by kustomize: its own, or an oras artifact's delegate. */
export type KustomizeAddon = WithBlock<"kustomize", z.infer<typeof KustomizeSchema>>;

export async function renderKustomize(a: KustomizeAddon): Promise<K8sObject[]> {
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

export const kustomize = addonType({
  name: "kustomize",
  field: "kustomize",
  block: KustomizeSchema,
  tools: ["kustomize"],
  render: renderKustomize,
});
