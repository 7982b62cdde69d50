/** Turns zod issues into problems that say how to fix them. */
import type { z } from "zod";
import { type ConfigProblem } from "./errors";
import { problemAt, type ParsedFile } from "./parse";
import { didYouMean } from "./suggest";

/** The keys a strict object at `path` accepts, for "did you mean". */
export type KnownKeys = (path: readonly PropertyKey[]) => readonly string[];

function fixFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `give ${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected} here`;
    case "invalid_value":
      return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return issue.origin === "array"
        ? `list at least ${String(issue.minimum)} item(s)`
        : "give a non-empty value";
    case "invalid_union":
      return "use exactly one of the documented forms for this field (see the README)";
    default:
      return "see the tazuna.yaml reference in the README";
  }
}

/** "did you mean" for a misspelt choice (type: kustomise), as for field names and dependsOn. */
function closeOption(
  parsed: ParsedFile,
  path: readonly PropertyKey[],
  issue: z.core.$ZodIssue,
): string | undefined {
  if (issue.code !== "invalid_value") return undefined;
  const given = parsed.doc.getIn(path as unknown[]);
  const options = issue.values.filter((v): v is string => typeof v === "string");
  const hint = typeof given === "string" ? didYouMean(given, options) : undefined;
  return hint ? `did you mean "${hint}"? (one of: ${options.map((o) => `"${o}"`).join(", ")})` : undefined;
}

/** How far data is from a branch: one per problem, one per unknown key. */
const distance = (issues: readonly z.core.$ZodIssue[]) =>
  issues.reduce((n, i) => n + (i.code === "unrecognized_keys" ? i.keys.length : 1), 0);

/**
 * A union (a Go form and a short form of the same field) that matched no
 * branch: when one branch is clearly closest to what was written, its own
 * problems say more than "Invalid input"; on a tie, the union's own issue.
 */
function closest(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return [issue];
  const branches = issue.errors.map((b) =>
    b.flatMap((i) => closest({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue)),
  );
  const scores = branches.map(distance);
  const best = Math.min(...scores);
  return scores.filter((x) => x === best).length === 1
    ? (branches[scores.indexOf(best)] ?? [issue])
    : [issue];
}

export function zodProblems(
  parsed: ParsedFile,
  issues: readonly z.core.$ZodIssue[],
  known: KnownKeys,
  base: PropertyKey[] = [],
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues.flatMap(closest)) {
    const path = [...base, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const hint = didYouMean(key, known(issue.path));
        out.push(
          problemAt(
            parsed,
            [...path, key],
            `unknown field "${key}"`,
            hint ? `did you mean "${hint}"?` : `remove it; allowed here: ${known(issue.path).join(", ")}`,
          ),
        );
      }
      continue;
    }
    out.push(problemAt(parsed, path, issue.message, closeOption(parsed, path, issue) ?? fixFor(issue)));
  }
  return out;
}

/** The field names a strict object in `schema` accepts at `path`. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): readonly string[] {
  let s: z.core.$ZodType = schema;
  const unwrap = () => {
    while (s._zod.def.type === "optional") s = (s._zod.def as z.core.$ZodOptionalDef).innerType;
  };
  for (const key of path) {
    unwrap();
    const def = s._zod.def;
    if (def.type === "array") s = (def as z.core.$ZodArrayDef).element;
    else if (def.type === "object") {
      const next = (def as z.core.$ZodObjectDef).shape[String(key)];
      if (!next) return [];
      s = next;
    } else return [];
  }
  unwrap();
  return s._zod.def.type === "object" ? Object.keys((s._zod.def as z.core.$ZodObjectDef).shape) : [];
}
