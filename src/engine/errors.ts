/**
 * The engine's failures as typed errors. The engine hands back text; what
 * Tazuna's own code threw inside it comes back typed through the failures
 * file (errors/failures.ts), and a locked stack through Automation API's
 * own ConcurrentUpdateError. Only an error neither explains is read as
 * text, to print its error lines.
 */
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { EXIT } from "../errors/exit-codes";
import { EngineError, type Failure } from "../errors/failures";
import { TazunaError } from "../errors/tazuna-error";
import { errorLines } from "../errors/error-lines";

/** Another run holds the stack's lock (exit 4). */
export class StackLockedError extends TazunaError {
  /** The engine's whole answer, which names each lock's holder. */
  readonly engineText: string;
  constructor(engineError: ConcurrentUpdateError) {
    super(errorLines(engineError), EXIT.locked);
    this.engineText = engineError.message;
  }
}

/** What an engine command's failure becomes, given what was recorded during it. */
export function typedEngineError(err: unknown, recorded: readonly Failure[]): unknown {
  if (recorded.length > 0) return new EngineError(recorded, err);
  if (err instanceof ConcurrentUpdateError) return new StackLockedError(err);
  return err;
}
