/**
 * The guard's first check, before any resource is registered: the stack's
 * kubeconfig context must match the declaration's `context_matches`.
 */
import { GuardError } from "./error";

/** Throws unless `context` matches the patterns (any of them for "or", all for "and"). */
export function checkContext(
  context: string,
  patterns: readonly string[],
  mode: "or" | "and",
  file: string,
): void {
  if (patterns.length === 0) return;
  const hits = patterns.map((p) => new RegExp(p).test(context));
  const ok = mode === "and" ? hits.every(Boolean) : hits.some(Boolean);
  if (ok) return;
  throw new GuardError(
    `kubeconfig context "${context}" does not match spec.context_matches of ${file} ` +
      `(${mode === "and" ? "all" : "any"} of: ${patterns.map((p) => `/${p}/`).join(", ")}); nothing was applied`,
    "select the stack of the cluster you meant (pulumi stack select / --cluster), or fix tazuna:context in its stack file",
  );
}
