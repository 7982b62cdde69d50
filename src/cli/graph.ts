/** `tazuna graph`: the add-on dependency graph as mermaid or dot text. */
import type { Declaration } from "../config/model";
import { predecessors } from "../graph/order";

const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, "_");

export function toMermaid(decl: Declaration): string {
  const deps = predecessors(decl.addons);
  const lines = ["graph TD"];
  for (const a of decl.addons) {
    const tags = a.tags.length > 0 ? `<br/>${a.tags.join(", ")}` : "";
    lines.push(`  ${id(a.name)}["${a.name} (${a.type})${tags}"]`);
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
    lines.push(`  "${a.name}" [label="${a.name}\\n${a.type}${tags}"];`);
  }
  for (const a of decl.addons) for (const d of deps.get(a.name) ?? []) lines.push(`  "${d}" -> "${a.name}";`);
  lines.push("}");
  return lines.join("\n");
}
