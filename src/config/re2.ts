/**
 * context_matches patterns are RE2, as in the Go tool: the loader refuses
 * one that does not compile, and the guard matches whole context names.
 */
import { RE2JS } from "re2js";

/** Whether the whole context name matches an RE2 pattern (Go's ^(?:pattern)$). */
export function contextMatches(pattern: string, context: string): boolean {
  return RE2JS.matches(pattern, context);
}

/** Why a pattern is not valid RE2, or undefined when it is. */
export function re2Problem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
