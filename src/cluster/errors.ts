/** The local control plane did not come up; `fix` says what to do about it. */
import { TazunaError } from "../errors/tazuna-error";
export class ClusterStartError extends TazunaError {
  constructor(
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`local control plane: ${problem}\n  fix: ${fix}`);
  }
}

/**
 * A daemon could not bind the port chosen for it: free when chosen, it was
 * taken before the daemon started (another cluster starting beside this one).
 */
export class PortTakenError extends ClusterStartError {}
