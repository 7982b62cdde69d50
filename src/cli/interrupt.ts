/**
 * Ctrl-C during an engine run: the first asks the engine to stop at a safe
 * point (operations in flight finish, nothing new starts, state is written
 * and the lock released); a second one quits at once.
 */
import { halt } from "../process/halt";
import { deferSignals } from "../process/temp";
import { log } from "./output";

export interface Interruptible {
  signal: AbortSignal;
  dispose: () => void;
}

export function interruptible(what: string): Interruptible {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log(`${sig} again: quitting now; the next apply recovers what was in flight`);
      process.exit(130);
    }
    log(
      `${sig}: stopping ${what} at a safe point (in-flight changes finish, nothing new starts); again to quit now`,
    );
    controller.abort();
    halt();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const undefer = deferSignals();
  return {
    signal: controller.signal,
    dispose: () => {
      undefer();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
