/**
 * Names and dependsOn as validation: duplicate names, unknown names,
 * self-dependencies and cycles, each reported with its file, field and
 * line. The ordering itself is graph/.
 */
import { findCycle, predecessors } from "../graph/order";
import type { ConfigProblem } from "../config/errors";
import type { Origin } from "../config/model";
import { problemAt } from "../config/parse";
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
      const at = (message: string, fix: string) =>
        problems.push(
          problemAt(
            { file: a.origin.file, line: a.origin.dependsOnLines[i] },
            [...a.origin.path, "dependsOn", i],
            message,
            fix,
          ),
        );
      if (d === a.name) at(`add-on "${a.name}" depends on itself`, "remove this entry");
      else if (!names.includes(d)) {
        const hint = didYouMean(d, names);
        at(
          `unknown add-on "${d}" in dependsOn`,
          hint ? `did you mean "${hint}"?` : `name one of: ${names.join(", ")}`,
        );
      }
    });
  }
  if (problems.length > 0) return problems;
  const cycle = findCycle(predecessors(addons));
  if (cycle) {
    const first = addons.find((a) => a.name === cycle[0]);
    problems.push(
      problemAt(
        { file: first?.origin.file ?? "", line: first?.origin.line },
        [...(first?.origin.path ?? []), "dependsOn"],
        `dependency cycle: ${cycle.join(" -> ")}`,
        "remove one dependsOn edge of the cycle",
      ),
    );
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
    problems.push(
      problemAt(
        { file: n.origin.file, line: n.origin.line },
        [...n.origin.path, "name"],
        `duplicate add-on name "${n.name}" (first declared at ${first.origin.file}:${first.origin.line ?? "?"})`,
        "give every add-on a unique name, across included files too",
      ),
    );
  }
  return problems;
}
