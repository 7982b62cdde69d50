/** `tazuna graph`: the add-on dependency graph as mermaid, dot or svg. */
import type { Addon } from "../addon-types";
import type { Declaration } from "../declaration/model";
import { predecessors } from "../graph/order";

const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, "_");

/**
 * What apply waits for before the add-on counts as applied: the built-in
 * waits (config/readiness.ts) unless readiness.skip, each waitFor and test,
 * and the timeout. Only an add-on with none of them is not awaited.
 */
function readinessOf(a: Addon): string {
  const extra = a.readiness.waitFor.length + a.tests.length;
  if (a.readiness.skip && extra === 0) return "ready: not awaited";
  const waits = [
    ...(a.readiness.skip ? [] : ["built-in waits"]),
    ...(extra > 0 ? [`${extra} check(s)`] : []),
  ];
  return `ready: ${waits.join(" + ")}, ${a.timeoutSeconds}s`;
}

export function toMermaid(decl: Pick<Declaration, "addons">): string {
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

export function toDot(decl: Pick<Declaration, "addons">): string {
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
