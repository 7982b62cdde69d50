/**
 * The guard as declared: context_matches (RE2) at the root and per
 * environment, the environment -e names, and the guard in force for it.
 */
import type { ConfigProblem } from "../config/errors";
import { problemAt, type ParsedFile } from "../config/parse";
import { re2Problem } from "../config/re2";
import type { Spec } from "./file";

function patternProblems(
  parsed: ParsedFile,
  patterns: readonly string[],
  at: PropertyKey[],
): ConfigProblem[] {
  return patterns.flatMap((re, i) => {
    const invalid = re2Problem(re);
    if (!invalid) return [];
    return [
      problemAt(
        parsed,
        [...at, i],
        `not a valid RE2 pattern: ${invalid}`,
        "context_matches are RE2 (Go) patterns matched against the whole context name: no look-around or back-references; escape literal dots and brackets with \\",
      ),
    ];
  });
}

/** Every pattern compiles, every environment has a name, and the one -e names is declared. */
export function environmentProblems(
  parsed: ParsedFile,
  spec: Partial<Spec>,
  environment: string,
): ConfigProblem[] {
  const out = patternProblems(parsed, spec.context_matches ?? [], ["spec", "context_matches"]);
  for (const [name, env] of Object.entries(spec.environments ?? {})) {
    const p = ["spec", "environments", name];
    if (name === "") out.push(problemAt(parsed, p, "an environment needs a name", "name it"));
    out.push(...patternProblems(parsed, env?.context_matches ?? [], [...p, "context_matches"]));
  }
  if (environment && !Object.hasOwn(spec.environments ?? {}, environment)) {
    const known = Object.keys(spec.environments ?? {});
    out.push(
      problemAt(
        parsed,
        ["spec", "environments"],
        `environment "${environment}" is not declared`,
        known.length
          ? `use one of: ${known.join(", ")}`
          : `declare spec.environments.${environment} with its context_matches`,
      ),
    );
  }
  return out;
}

/** The guard in force: -e NAME replaces the root's patterns (an empty mode inherits the root's). */
export function guardOf(spec: Partial<Spec>, environment: string) {
  const env = environment ? spec.environments?.[environment] : undefined;
  if (environment)
    return {
      contextMatches: env?.context_matches ?? [],
      matchMode: env?.context_match_mode || spec.context_match_mode || "or",
      guardField: `spec.environments.${environment}.context_matches`,
      rootContextMatches: spec.context_matches ?? [],
    };
  return {
    rootContextMatches: spec.context_matches ?? [],
    contextMatches: spec.context_matches ?? [],
    matchMode: spec.context_match_mode ?? "or",
    guardField: "spec.context_matches",
  };
}
