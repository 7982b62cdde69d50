/** The command line's own errors, and the message printed for any error (its exit code: errors/tazuna-error.ts). */
import { EXIT } from "../errors/exit-codes";
import { errorLines } from "../errors/error-lines";
import { TazunaError } from "../errors/tazuna-error";

export class UsageError extends TazunaError {}

export function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a whole number of at least 1, not "${value}"`);
  return n;
}

export class InterruptedError extends TazunaError {
  constructor(message: string) {
    super(message, EXIT.interrupted);
  }
}

/**
 * The message to print: ours whole (an engine failure carries what our code
 * recorded inside the engine: errors/failures.ts), anything else reduced to
 * its error lines (the engine's own failures, a tool's output).
 */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err instanceof TazunaError ? err.message : errorLines(err);
}
