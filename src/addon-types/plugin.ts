/** type: plugin — any command that prints manifests on stdout. */
import { z } from "zod";
import { addonType, type WithBlock } from "./contract";
import { parseObjects, withDefaultNamespace, type K8sObject } from "../kube/objects";
import { commandLine, runTool } from "../render/run";
import { RenderError } from "../errors/render";

const PluginSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
});

async function renderPlugin(a: WithBlock<"plugin", z.infer<typeof PluginSchema>>): Promise<K8sObject[]> {
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

export const plugin = addonType({
  name: "plugin",
  field: "plugin",
  block: PluginSchema,
  pathOptional: () => true,
  check: (e) => {
    if (!e.block)
      e.problem(
        [],
        `add-on "${e.name}" is type plugin but has no plugin block`,
        "add plugin: { command: ..., args: [...] }",
      );
    return undefined;
  },
  tools: [],
  render: renderPlugin,
});
