/**
 * The guard's first check, before any resource is registered: the stack's
 * kubeconfig context must match the declaration's `context_matches`. As in
 * the Go tool (its newest generation), each pattern is RE2 and must match
 * the whole context name: `prod` does not match `preprod-cluster`, and
 * `^kind-` matches only the name "kind-" (write `kind-.*`).
 */
import type { Declaration } from "../declaration/model";
import { GuardError } from "../errors/guard";
import { contextMatches } from "../config/re2";

type Guard = Pick<
  Declaration,
  "environment" | "contextMatches" | "rootContextMatches" | "guardField" | "file"
>;

/** An environment whose guard is no guard: it declares no patterns (the Go format allows it). */
export function unguardedEnvironment(d: Guard): boolean {
  return d.environment !== "" && d.contextMatches.length === 0;
}

/**
 * -e NAME replaces the root's patterns with the environment's. When the root
 * declares patterns and the environment none, the Go tool silently applies
 * to any context; Tazuna refuses writes unless --allow-any-context says so.
 */
export function checkEnvironmentGuard(d: Guard, allowAnyContext: boolean): void {
  if (allowAnyContext || !unguardedEnvironment(d) || d.rootContextMatches.length === 0) return;
  throw new GuardError(
    `environment "${d.environment}" declares no context_matches, so it would drop spec.context_matches of ${d.file} ` +
      `(${d.rootContextMatches.map((p) => `/${p}/`).join(", ")}) and let any context through; nothing was applied`,
    `declare ${d.guardField} for the clusters of "${d.environment}", or pass --allow-any-context to apply to whichever context is chosen`,
  );
}

/** Throws unless `context` matches the patterns (any of them for "or", all for "and"). */
export function checkContext(
  context: string,
  patterns: readonly string[],
  mode: "or" | "and",
  /** Where the patterns are written: "spec.context_matches of /x/tazuna.yaml". */
  where: string,
  /** How to pick another cluster, in the way the caller chose this one. */
  fix = "select the stack of the cluster you meant (pulumi stack select / --cluster), or fix tazuna:context in its stack file",
): void {
  if (patterns.length === 0) return;
  const hits = patterns.map((p) => contextMatches(p, context));
  const ok = mode === "and" ? hits.every(Boolean) : hits.some(Boolean);
  if (ok) return;
  throw new GuardError(
    `kubeconfig context "${context}" does not match ${where} ` +
      `(${mode === "and" ? "all" : "any"} of: ${patterns.map((p) => `/${p}/`).join(", ")}, each matched against the whole name); nothing was applied`,
    fix,
  );
}
