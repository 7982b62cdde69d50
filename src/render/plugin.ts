/** type: plugin — any command that prints manifests on stdout. */
import type { Addon } from "../config/model";
import { parseObjects, withDefaultNamespace, type K8sObject } from "../kube/objects";
import { commandLine, runTool } from "./run";
import { RenderError } from "../errors/render";

export async function renderPlugin(a: Addon): Promise<K8sObject[]> {
  const p = a.plugin;
  if (!p) throw new RenderError(a.name, "(none)", "no plugin block", "add plugin: { command: ... }");
  const out = await runTool({
    addon: a.name,
    command: p.command,
    args: p.args ?? [],
    cwd: a.dir ?? a.baseDir,
    env: p.env ?? {},
    fix: "the plugin must exit 0 and print Kubernetes YAML on stdout",
  });
  try {
    return withDefaultNamespace(parseObjects(out, commandLine(p.command, p.args ?? [])), a.namespace);
  } catch (err) {
    throw new RenderError(
      a.name,
      commandLine(p.command, p.args ?? []),
      (err as Error).message,
      "the plugin must print Kubernetes YAML on stdout",
    );
  }
}
