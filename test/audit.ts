/** Reads a local control plane's audit log (JSON lines, Metadata level): the tests' witness of what was written. */
import { readFile } from "node:fs/promises";
import { z } from "zod";

const AuditEventSchema = z
  .object({
    stage: z.string(),
    verb: z.string(),
    user: z.object({ username: z.string() }).loose(),
    userAgent: z.string().optional(),
    requestURI: z.string(),
    objectRef: z
      .object({
        resource: z.string().optional(),
        namespace: z.string().optional(),
        name: z.string().optional(),
        apiGroup: z.string().optional(),
      })
      .loose()
      .optional(),
    responseStatus: z.object({ code: z.number().optional() }).loose().optional(),
    stageTimestamp: z.string(),
  })
  .loose();

export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const WRITE_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection"]);

/**
 * Every completed request. A log that is missing or unreadable throws: a
 * "zero writes" check must never pass because there was nothing to read.
 */
export async function readAudit(file: string): Promise<AuditEvent[]> {
  const text = await readFile(file, "utf8");
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => AuditEventSchema.parse(JSON.parse(l)))
    .filter((e) => e.stage === "ResponseComplete");
}

/** Write requests by `user`, optionally only those after `since` (an ISO time). */
export function writesBy(events: readonly AuditEvent[], user: string, since?: string): AuditEvent[] {
  return events.filter(
    (e) =>
      e.user.username === user &&
      WRITE_VERBS.has(e.verb) &&
      (since === undefined || e.stageTimestamp > since),
  );
}

/** Writes that changed something: server-side dry runs (a preview's) are requests, not writes. */
export function persistedWritesBy(events: readonly AuditEvent[], user: string, since?: string): AuditEvent[] {
  return writesBy(events, user, since).filter((e) => !/[?&]dryRun=/.test(e.requestURI));
}
