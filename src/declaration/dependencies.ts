/**
 * Names and dependsOn as validation: duplicate names, unknown names,
 * self-dependencies and cycles, each reported with its file, field and
 * line. The ordering itself is graph/.
 */
import { findCycle, predecessors } from "../graph/order";
import type { ConfigProblem } from "../config/errors";
import type { Origin } from "../config/model";
import { didYouMean } from "../config/suggest";

/** An entry as dependsOn sees it; entries whose shape is wrong still count by name. */
export interface Node {
  name: string;
  dependsOn: readonly string[];
  origin: Origin;
}

export function dependencyProblems(addons: readonly Node[]): ConfigProblem[] {
  const names = addons.map((a) => a.name);
  const problems: ConfigProblem[] = [];
  for (const a of addons) {
    a.dependsOn.forEach((d, i) => {
      const at = {
        file: a.origin.file,
        field: `${a.origin.field}.dependsOn[${i}]`,
        line: a.origin.dependsOnLines[i],
      };
      if (d === a.name) {
        problems.push({ ...at, message: `add-on "${a.name}" depends on itself`, fix: "remove this entry" });
      } else if (!names.includes(d)) {
        const hint = didYouMean(d, names);
        problems.push({
          ...at,
          message: `unknown add-on "${d}" in dependsOn`,
          fix: hint ? `did you mean "${hint}"?` : `name one of: ${names.join(", ")}`,
        });
      }
    });
  }
  if (problems.length > 0) return problems;
  const cycle = findCycle(predecessors(addons));
  if (cycle) {
    const first = addons.find((a) => a.name === cycle[0]);
    problems.push({
      file: first?.origin.file ?? "",
      field: `${first?.origin.field ?? ""}.dependsOn`,
      line: first?.origin.line,
      message: `dependency cycle: ${cycle.join(" -> ")}`,
      fix: "remove one dependsOn edge of the cycle",
    });
  }
  return problems;
}

/** Every add-on name once, across included files too. */
export function duplicateNames(nodes: readonly Node[]): ConfigProblem[] {
  const seen = new Map<string, Node>();
  const problems: ConfigProblem[] = [];
  for (const n of nodes) {
    const first = seen.get(n.name);
    if (!first) {
      seen.set(n.name, n);
      continue;
    }
    problems.push({
      file: n.origin.file,
      field: `${n.origin.field}.name`,
      line: n.origin.line,
      message: `duplicate add-on name "${n.name}" (first declared at ${first.origin.file}:${first.origin.line ?? "?"})`,
      fix: "give every add-on a unique name, across included files too",
    });
  }
  return problems;
}
