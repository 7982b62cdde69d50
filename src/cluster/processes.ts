/** Starts the control plane's daemons detached, each in its own process group, and stops them. */
import { openSync, closeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { spawn } from "node:child_process";
import { isAlive } from "../process/pids";

export interface Daemon {
  name: string;
  pid: number;
  log: string;
  /** How it was started, so a fault test can start it again the same way. */
  command: string;
  args: string[];
}

/** Output goes to `log`; the daemon outlives this process unless stopped. */
export function startDaemon(name: string, command: string, args: string[], log: string): Daemon {
  const fd = openSync(log, "a");
  try {
    // Plain spawn: a detached daemon with its output in a file is all we need.
    const child = spawn(command, args, { detached: true, stdio: ["ignore", fd, fd] });
    child.on("error", () => undefined);
    if (child.pid === undefined) throw new Error(`could not start ${name} (${command}); is it on PATH?`);
    child.unref();
    return { name, pid: child.pid, log, command, args };
  } finally {
    closeSync(fd);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Stops daemons in reverse start order: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopDaemons(daemons: Daemon[], graceMs = 5000): Promise<void> {
  for (const d of [...daemons].reverse()) {
    signalGroup(d.pid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (isAlive(d.pid) && Date.now() < deadline) await sleep(50);
    signalGroup(d.pid, "SIGKILL");
  }
}

/** The synchronous last resort for exit handlers, where nothing can be awaited. */
export function killDaemonsNow(daemons: Daemon[]): void {
  for (const d of daemons) signalGroup(d.pid, "SIGKILL");
}
