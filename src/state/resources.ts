/**
 * The stack's latest checkpoint, read through Automation API's export: once
 * per command until the command writes state (each export is a pulumi
 * process that reads and decrypts the whole checkpoint, 0.7 s for the
 * example; an apply used to read it four times).
 */
import type { Deployment, Stack } from "@pulumi/pulumi/automation";
import { z } from "zod";

const ResourceSchema = z
  .object({
    type: z.string(),
    urn: z.string(),
    parent: z.string().optional(),
    retainOnDelete: z.boolean().optional(),
    inputs: z.record(z.string(), z.unknown()).optional(),
    outputs: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
const StateSchema = z
  .object({ deployment: z.object({ resources: z.array(ResourceSchema).optional() }).loose() })
  .loose();

export type StateResource = z.infer<typeof ResourceSchema>;

const exported = new WeakMap<Stack, Promise<Deployment>>();

/** The exported checkpoint, shared by every reader until stateWritten. */
export function exportedState(stack: Stack): Promise<Deployment> {
  let state = exported.get(stack);
  if (!state) {
    state = stack.exportStack();
    exported.set(stack, state);
    state.catch(() => exported.delete(stack));
  }
  return state;
}

/** After anything that writes the stack's state (up, destroy, import, cancel, refresh): read it anew. */
export function stateWritten(stack: Stack): void {
  exported.delete(stack);
}

/** Runs an engine operation that writes state, and forgets the export it made stale. */
export async function writingState<T>(stack: Stack, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } finally {
    stateWritten(stack);
  }
}

export async function stateResources(stack: Stack): Promise<StateResource[]> {
  return StateSchema.parse(await exportedState(stack)).deployment.resources ?? [];
}
