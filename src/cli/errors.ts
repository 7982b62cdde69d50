/** Maps what went wrong to the documented exit codes and a message for stderr. */
import { ConfigError } from "../config/errors";
import { GuardError } from "../errors/guard";
import { FixRefusedError } from "../config/fix-names";
import { CacheFlagsError } from "../render/artifact-cache";
import { TraceSettingsError } from "../trace/errors";
import { ExportError } from "../secrets/export-error";
import { EXIT } from "../errors/exit-codes";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a whole number of at least 1, not "${value}"`);
  return n;
}

export class InterruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InterruptedError";
  }
}

export function exitCodeOf(err: unknown): number {
  const text = err instanceof Error ? err.message : String(err);
  if (err instanceof GuardError || /guard: /.test(text)) return EXIT.guard;
  if (/the stack is currently locked/i.test(text)) return EXIT.locked;
  if (err instanceof InterruptedError) return EXIT.interrupted;
  return EXIT.error;
}

/**
 * One line of the engine's output as ours: without the resource it came
 * from and the "Unhandled exception: XError:" the language host adds, so
 * the program's own error reads as it would from the CLI, once.
 */
function engineLine(line: string): string {
  return line
    .trim()
    .replace(/^\+?\s*pulumi:pulumi:Stack \S+ \S+ (\(\d+s\) )?/, "")
    .replace(/^error: /, "")
    .replace(/^Unhandled exception: (\w*Error: )?/, "");
}

/** The message to print: ours whole, the engine's reduced to its error lines. */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (
    err instanceof ConfigError ||
    err instanceof GuardError ||
    err instanceof UsageError ||
    err instanceof FixRefusedError ||
    err instanceof CacheFlagsError ||
    err instanceof TraceSettingsError ||
    err instanceof ExportError ||
    err instanceof InterruptedError
  )
    return err.message;
  const stderr = (err as { stderr?: unknown }).stderr;
  const text = typeof stderr === "string" && stderr ? stderr : err.message;
  const lines = text
    .split("\n")
    // Also a render tool's command line and stderr, a readiness gate's last answer, and each
    // error of the engine's "N errors occurred" (numbered or bulleted).
    .filter((l) =>
      /error:|guard:|fix:|created by|^\s+\*|^\s+\d+\) |^\s+(recorded|now|nothing was|command:|\||last answer:)/.test(
        l,
      ),
    );
  const unique = [...new Set(lines.map(engineLine))].filter((l) => !/^(preview|update) failed$/.test(l));
  return unique.length > 0 ? unique.slice(0, 15).join("\n") : err.message;
}
