/**
 * Takes objects that exist in the cluster under this stack's state without
 * writing to them: one up in which each release records the adopted objects
 * as they are live and writes none of them. The managers that wrote them
 * count as Tazuna's (release/plan.ts former), so the next plan does not take
 * their fields back; a forced apply of a later change takes them without a
 * conflict. Objects another tool applied keep their manager's fields (the Go
 * tool's manager is "tazuna" too).
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { ADOPT_ENV, FORMER_MANAGERS_ENV, ONLY_ENV, withEnv } from "../program/run-env";
import { FIELD_MANAGER } from "../release/apply";
import { writingState } from "../state/resources";

/**
 * Adopts `imports` (adoptKey → import id). The program must read ONLY_ENV
 * and ADOPT_ENV (tazunaProgram does).
 */
export async function adoptObjects(
  stack: Stack,
  /** The add-ons to register and the URN patterns of the rest (excludesFor); undefined: the whole program. */
  part: { addons: readonly string[]; exclude: string[] } | undefined,
  imports: Record<string, string>,
  /** The field managers that wrote them: one for all, or one per adoptKey. */
  fieldManager: string | Record<string, string> = FIELD_MANAGER,
): Promise<void> {
  const managers = typeof fieldManager === "string" ? [fieldManager] : Object.values(fieldManager);
  const former = [...new Set(managers)].filter((m) => m !== FIELD_MANAGER);
  const env = {
    [ONLY_ENV]: part?.addons.join(","),
    [ADOPT_ENV]: JSON.stringify(imports),
    [FORMER_MANAGERS_ENV]: former.join(",") || undefined,
  };
  await writingState(stack, () => withEnv(env, () => stack.up(part ? { exclude: part.exclude } : {})));
}
