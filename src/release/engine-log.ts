/**
 * A release's per-object plan for readers of plain `pulumi preview` and
 * `pulumi up`. A dynamic provider cannot return a detailed diff, and a
 * release keeps no object in state for the engine to diff, so the plan is
 * sent to the engine's log (the address the engine starts the provider
 * with), where the CLI prints it under Diagnostics. The tazuna command reads
 * the plan folder instead, so this runs only without one.
 */
import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import type { ReleasePlan } from "./plan";

const SIGN: Record<string, string> = { create: "+", update: "~", delete: "-", keep: "=" };

/** The plan as lines: one per object, then its fields with their values. */
export function planLines(label: string, plan: ReleasePlan): string[] {
  const lines = plan.changes.flatMap((c) => {
    const head = `  ${SIGN[c.op] ?? c.op} ${c.object}${c.drift ? " (changed in the cluster)" : ""}`;
    const fields = c.op === "keep" ? c.fields : (c.shown ?? c.fields);
    return [head, ...fields.map((f) => `      ${f}`)];
  });
  return lines.length > 0 ? [`${label}:`, ...lines] : [];
}

let engine: EngineClient | undefined;

/** Best effort: a log that does not arrive must not fail the plan. */
export async function logPlan(label: string, plan: ReleasePlan): Promise<void> {
  const lines = planLines(label, plan);
  const address = process.argv[2];
  if (lines.length === 0 || !address) return;
  engine ??= new EngineClient(address, grpc.credentials.createInsecure());
  const req = new LogRequest();
  req.setSeverity(LogSeverity.INFO);
  req.setMessage(lines.join("\n"));
  await new Promise<void>((resolve) => engine?.log(req, () => resolve()));
}
