/** Another run holds the stack's lock (exit 4); the engine's whole answer names each holder. */
import { EXIT } from "./exit-codes";
import { TazunaError } from "./tazuna-error";

export class StackLockedError extends TazunaError {
  constructor(
    message: string,
    readonly engineText: string,
  ) {
    super(message, EXIT.locked);
  }
}
