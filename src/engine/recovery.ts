/**
 * What a killed run leaves behind, cleaned up before the next apply: the
 * lock of a tazuna/pulumi process on this host that no longer exists, and
 * the operations the engine had started but not finished. A file backend's
 * locks are read up front; an object store's (s3, gs, azblob) only show in
 * the engine's refusal, so there the refused step is retried once after
 * `pulumi cancel` removes locks whose every holder is gone.
 * Every Kubernetes write is a server-side apply, so an object created or
 * changed by the dead run is simply applied again and adopted.
 */
import { readFile, readdir, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Stack } from "@pulumi/pulumi/automation";
import { z } from "zod";
import { StackLockedError } from "../errors/stack-locked";
import { nameOf } from "../resources/urns";
import { isAlive } from "../process/pids";
import { exportedState, writingState } from "../state/resources";

const LockSchema = z
  .object({ pid: z.number(), hostname: z.string(), timestamp: z.string().optional() })
  .loose();

const PendingSchema = z.object({
  deployment: z
    .object({
      pending_operations: z
        .array(z.object({ type: z.string(), resource: z.object({ urn: z.string() }).loose() }).loose())
        .optional(),
    })
    .loose(),
});

const gone = (pid: number) => `removed the lock of pid ${pid} (no longer running)`;

/** Removes locks of this stack held by processes on this host that are gone; says which. */
export async function clearStaleLocks(backendUrl: string, project: string, stack: string): Promise<string[]> {
  if (!backendUrl.startsWith("file://")) return [];
  const dir = path.join(fileURLToPath(backendUrl), ".pulumi", "locks");
  const files = (await readdir(dir, { recursive: true }).catch(() => [] as string[]))
    .map(String)
    .filter((f) => f.endsWith(".json") && path.dirname(f).endsWith(path.join(project, stack)));
  const done: string[] = [];
  for (const f of files) {
    const lock = LockSchema.safeParse(
      JSON.parse(await readFile(path.join(dir, f), "utf8").catch(() => "{}")),
    );
    if (!lock.success || lock.data.hostname !== hostname() || isAlive(lock.data.pid)) continue;
    await unlink(path.join(dir, f));
    done.push(`${gone(lock.data.pid)}, taken ${lock.data.timestamp ?? "?"}`);
  }
  return done;
}

interface Holder {
  pid: number;
  host: string;
  at: string;
}

/** The holders the engine names when it refuses a locked stack; empty for any other error. */
export function lockHolders(err: unknown): Holder[] {
  if (!(err instanceof StackLockedError)) return [];
  const text = err.engineText;
  const seen = new Map<string, Holder>();
  for (const m of text.matchAll(/created by \S*?@(\S+) \(pid (\d+)\) at (\S+)/g))
    seen.set(m[0], { host: m[1] ?? "", pid: Number(m[2]), at: m[3] ?? "" });
  return [...seen.values()];
}

/**
 * Runs an engine step; when a lock stops it and every holder was a process on
 * this host that is gone, removes the locks (`pulumi cancel`) and runs the
 * step once more. A live or remote holder's lock is left, and its error stands.
 */
export async function unlockingStale<T>(
  stack: Stack,
  step: () => Promise<T>,
  said: (line: string) => void,
): Promise<T> {
  try {
    return await step();
  } catch (err) {
    const holders = lockHolders(err);
    const stale = holders.length > 0 && holders.every((h) => h.host === hostname() && !isAlive(h.pid));
    if (!stale) throw err;
    await writingState(stack, () => stack.cancel());
    for (const h of holders) said(`${gone(h.pid)}, taken ${h.at}`);
    return step();
  }
}

/** Drops the engine's unfinished operations from state, after saying what they were. */
export async function clearPendingOperations(stack: Stack): Promise<string[]> {
  const state = await exportedState(stack);
  const pending = PendingSchema.parse(state).deployment.pending_operations ?? [];
  if (pending.length === 0) return [];
  const deployment = state.deployment as Record<string, unknown>;
  await writingState(stack, () =>
    stack.importStack({ ...state, deployment: { ...deployment, pending_operations: [] } }),
  );
  const verb: Record<string, string> = { creating: "create", updating: "update", deleting: "delete" };
  return pending.map(
    (p) => `cleared an unfinished ${verb[p.type] ?? p.type} of ${nameOf(p.resource.urn)} (applied again now)`,
  );
}

export async function recoverInterrupted(
  stack: Stack,
  backendUrl: string,
  project: string,
): Promise<string[]> {
  const done = await clearStaleLocks(backendUrl, project, stack.name);
  const cleared = await unlockingStale(
    stack,
    () => clearPendingOperations(stack),
    (l) => done.push(l),
  );
  return [...done, ...cleared];
}
