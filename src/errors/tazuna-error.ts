/**
 * Every error Tazuna throws on purpose: its message is written for the
 * reader (what failed, and a `fix:` line) and it carries the exit code the
 * command ends with, so nothing is decided by matching the message's text.
 */
import { EXIT } from "./exit-codes";

export class TazunaError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The exit code an error ends the command with: its own, or 1 for anything not ours. */
export const exitCodeOf = (err: unknown): number => (err instanceof TazunaError ? err.exitCode : EXIT.error);
