/**
 * What a killed run leaves behind, cleaned up before the next apply: the
 * lock of a tazuna/pulumi process that no longer exists (file backends, on
 * this host), and the operations the engine had started but not finished.
 * Every Kubernetes write is a server-side apply, so an object created or
 * changed by the dead run is simply applied again and adopted.
 */
import { readFile, readdir, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Stack } from "@pulumi/pulumi/automation";
import { z } from "zod";
import { nameOf } from "../program/urns";
import { isAlive } from "../pids";

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
    done.push(
      `removed the lock of pid ${lock.data.pid} (no longer running), taken ${lock.data.timestamp ?? "?"}`,
    );
  }
  return done;
}

/** Drops the engine's unfinished operations from state, after saying what they were. */
export async function clearPendingOperations(stack: Stack): Promise<string[]> {
  const state = await stack.exportStack();
  const pending = PendingSchema.parse(state).deployment.pending_operations ?? [];
  if (pending.length === 0) return [];
  const deployment = state.deployment as Record<string, unknown>;
  await stack.importStack({ ...state, deployment: { ...deployment, pending_operations: [] } });
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
  return [
    ...(await clearStaleLocks(backendUrl, project, stack.name)),
    ...(await clearPendingOperations(stack)),
  ];
}
