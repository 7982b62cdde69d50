/**
 * Temporary files and folders that may hold a secret (a chart's values, a
 * helmfile's state values): folders from mkdtemp (0700, a new name, ours),
 * files 0600 and created exclusively, and every one removed on success,
 * error, exit, Ctrl-C and SIGTERM. A signal nobody else handles is raised
 * again after the cleanup, so the process still ends as it would have.
 */
import { rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";

const live = new Set<string>();
let hooked = false;
/** How many graceful handlers (an engine run's interrupt) take signals over now. */
let deferred = 0;

function removeAll(): void {
  for (const p of live) rmSync(p, { recursive: true, force: true });
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // An engine run stops at a safe point and exits; the exit hook cleans up then.
  if (deferred > 0) return;
  removeAll();
  // The default would have ended the process: end it the same way (execa's
  // exit hook, alone now, then kills the tools and raises it once more).
  process.off(signal, onSignal);
  process.kill(process.pid, signal);
}

/** While a graceful interrupt handler runs, signals are its to handle; call the result when it is done. */
export function deferSignals(): () => void {
  deferred++;
  let done = false;
  return () => {
    if (!done) deferred--;
    done = true;
  };
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once("exit", removeAll);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

export interface Scratch {
  path: string;
  /** Writes a file inside, 0600, refusing one that exists (or a link planted there). */
  write: (name: string, text: string) => Promise<string>;
  remove: () => Promise<void>;
}

/** A new private folder under the system's temp folder, removed by remove() or at the latest at exit. */
export async function scratchDir(prefix: string): Promise<Scratch> {
  hook();
  const dir = await mkdtemp(path.join(tmpdir(), `tazuna-${prefix.replace(/[^A-Za-z0-9_.-]/g, "-")}-`));
  live.add(dir);
  return {
    path: dir,
    write: async (name, text) => {
      const file = path.join(dir, name);
      await writeFile(file, text, { mode: 0o600, flag: "wx" });
      return file;
    },
    remove: async () => {
      // Forgotten only once gone: an exit during the rm still removes it.
      await rm(dir, { recursive: true, force: true });
      live.delete(dir);
    },
  };
}

/** A file Tazuna must put somewhere else (beside a helmfile), written exclusively, 0600, removed like the folders. */
export async function scratchFile(file: string, text: string): Promise<() => Promise<void>> {
  hook();
  await writeFile(file, text, { mode: 0o600, flag: "wx" });
  live.add(file);
  return async () => {
    await rm(file, { force: true });
    live.delete(file);
  };
}
