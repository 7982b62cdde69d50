/** Maps what went wrong to the documented exit codes and a message for stderr. */
import { ConfigError } from "../config/errors";
import { GuardError } from "../pulumi/guard";
import { EXIT } from "./exit-codes";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function exitCodeOf(err: unknown): number {
  const text = err instanceof Error ? err.message : String(err);
  if (err instanceof GuardError || /guard: /.test(text)) return EXIT.guard;
  if (/the stack is currently locked/i.test(text)) return EXIT.locked;
  if (err instanceof ConfigError) return EXIT.error;
  return EXIT.error;
}

export function describe(err: unknown): string {
  if (err instanceof Error) {
    // Automation API wraps engine output; keep the lines that say what failed.
    const m = /(?:error|guard): [\s\S]*/.exec(err.message);
    return err instanceof ConfigError || err instanceof GuardError || err instanceof UsageError || !m
      ? err.message
      : m[0];
  }
  return String(err);
}
