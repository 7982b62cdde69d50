/**
 * The engine's failures as typed errors. The engine hands back text; what
 * Tazuna's own code threw inside it comes back typed through the failures
 * file (errors/failures.ts), and a locked stack through Automation API's
 * own ConcurrentUpdateError (Automation API, so this loads only with the
 * engine). Only an error neither explains is read as text, to print its
 * error lines.
 */
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { StackLockedError } from "../errors/stack-locked";
import { EngineError, type Failure } from "../errors/failures";
import { errorLines } from "../errors/error-lines";

/** What an engine command's failure becomes, given what was recorded during it. */
export function typedEngineError(err: unknown, recorded: readonly Failure[]): unknown {
  if (recorded.length > 0) return new EngineError(recorded, err);
  if (err instanceof ConcurrentUpdateError) return new StackLockedError(errorLines(err), err.message);
  return err;
}
