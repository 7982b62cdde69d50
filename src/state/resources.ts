/** The resources of a stack's latest checkpoint, read through Automation API's export. */
import type { Stack } from "@pulumi/pulumi/automation";
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

export async function stateResources(stack: Stack): Promise<StateResource[]> {
  return StateSchema.parse(await stack.exportStack()).deployment.resources ?? [];
}
