/** `tazuna graph`: the add-on dependency graph as mermaid, dot or svg. */
import type { Addon, Declaration } from "../config/model";
import { predecessors } from "../graph/order";

const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, "_");

/** How apply decides the add-on is ready: its gates beyond the built-in rollout checks, and its timeout. */
function readinessOf(a: Addon): string {
  if (a.readiness.skip) return "ready: not awaited";
  const extra = a.readiness.waitFor.length + a.tests.length;
  return `ready: rollout${extra > 0 ? ` + ${extra} check(s)` : ""}, ${a.timeoutSeconds}s`;
}

export function toMermaid(decl: Declaration): string {
  const deps = predecessors(decl.addons);
  const lines = ["graph TD"];
  for (const a of decl.addons) {
    const tags = a.tags.length > 0 ? `<br/>${a.tags.join(", ")}` : "";
    lines.push(`  ${id(a.name)}["${a.name} (${a.type})${tags}<br/>${readinessOf(a)}"]`);
  }
  for (const a of decl.addons)
    for (const d of deps.get(a.name) ?? []) lines.push(`  ${id(d)} --> ${id(a.name)}`);
  return lines.join("\n");
}

export function toDot(decl: Declaration): string {
  const deps = predecessors(decl.addons);
  const lines = ["digraph tazuna {", "  rankdir=LR;", "  node [shape=box];"];
  for (const a of decl.addons) {
    const tags = a.tags.length > 0 ? `\\n[${a.tags.join(", ")}]` : "";
    lines.push(`  "${a.name}" [label="${a.name}\\n${a.type}${tags}\\n${readinessOf(a)}"];`);
  }
  for (const a of decl.addons) for (const d of deps.get(a.name) ?? []) lines.push(`  "${d}" -> "${a.name}";`);
  lines.push("}");
  return lines.join("\n");
}

/** Graphviz compiled to WebAssembly: an svg without a dot binary or the network. */
export async function toSvg(decl: Declaration): Promise<string> {
  // Loaded on use: it is a 1.4 MB module that the other formats do not need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { instance } = require("@viz-js/viz") as typeof import("@viz-js/viz");
  return (await instance()).renderString(toDot(decl), { format: "svg" });
}
