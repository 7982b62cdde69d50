/** A bulk export that cannot go on, and how to fix it (kept apart so the CLI's error printer loads nothing else). */
import { TazunaError } from "../errors/tazuna-error";
export class ExportError extends TazunaError {
  constructor(message: string, fix: string) {
    super(`${message}\n  fix: ${fix}`);
  }
}
