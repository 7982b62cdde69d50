/**
 * The run was asked to stop (Ctrl-C, SIGTERM): tools still rendering are
 * stopped at once. A render writes nothing to the cluster, so it is never an
 * operation to let finish, and a tool left running would keep the process
 * (and its secret temp files) alive after the engine stopped.
 */
const controller = new AbortController();

export const halted: AbortSignal = controller.signal;

export function halt(): void {
  controller.abort();
}
