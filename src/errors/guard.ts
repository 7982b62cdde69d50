/** The guard's refusal: the message says which check failed and how to fix it (exit 3). */
import { EXIT } from "./exit-codes";
import { TazunaError } from "./tazuna-error";

export class GuardError extends TazunaError {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(`guard: ${message}\n  fix: ${fix}`, EXIT.guard);
  }
}
