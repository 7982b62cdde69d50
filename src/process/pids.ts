/** Processes: whether one is alive, and whether the tazuna command started this one. */
import { readFileSync } from "node:fs";

/** The pid of the tazuna command, set when it starts: what it tells its engine's processes is taken only from it. */
export const CLI_PID_ENV = "TAZUNA_CLI_PID";

/** Whether a process exists, for stale locks and the local control plane's daemons alike. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is just not ours to signal.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** True when `pid` started this process, however many processes lie between. */
export function isAncestor(pid: number, from = process.pid): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  for (let p = parentOf(from), hops = 0; p !== undefined && p > 1 && hops < 64; p = parentOf(p), hops++)
    if (p === pid) return true;
  return false;
}

/** Whether the run's variables were set by the tazuna process running this program (itself or an ancestor). */
export function fromOwnTazuna(env: NodeJS.ProcessEnv = process.env): boolean {
  const pid = Number(env[CLI_PID_ENV]);
  return pid === process.pid || isAncestor(pid);
}
