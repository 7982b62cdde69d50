/**
 * What "ready" means for one object, as a value: the one definition the
 * declaration's waits and tests become, apply's gates check (release/ready.ts),
 * `status` reports and `graph` prints.
 */
import { z } from "zod";

export const ReadyWhenSchema = z.discriminatedUnion("type", [
  /** kubectl rollout status: Deployments, StatefulSets, DaemonSets. */
  z.strictObject({ type: z.literal("rollout") }),
  /** A status condition with a value (kubectl wait --for=condition=Ready; the value defaults to true). */
  z.strictObject({ type: z.literal("condition"), condition: z.string() }),
  /** A JSONPath and the value it must lead to (kubectl wait --for=jsonpath={.status.phase}=Active). */
  z.strictObject({ type: z.literal("jsonpath"), jsonpath: z.string() }),
  /** A CEL expression over the object (the Go tool's WaitUntil test). */
  z.strictObject({ type: z.literal("cel"), condition: z.string() }),
  /** The object exists, or is gone (the Go tool's ExistNonExist test). */
  z.strictObject({ type: z.literal("exists") }),
  z.strictObject({ type: z.literal("absent") }),
]);
export type ReadyWhen = z.infer<typeof ReadyWhenSchema>;

const ROLLOUT_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

/** What ready means for an object of a kind when nothing is declared; undefined: ready once applied. */
export function builtInReady(kind: string): ReadyWhen | undefined {
  if (ROLLOUT_KINDS.has(kind)) return { type: "rollout" };
  if (kind === "Job") return { type: "condition", condition: "Complete" };
  if (kind === "CustomResourceDefinition") return { type: "condition", condition: "Established" };
  return undefined;
}

/** A declared wait (readiness.waitFor, a waitUntil test): its condition, else its JSONPath. */
export const declaredReady = (w: {
  condition?: string | undefined;
  jsonpath?: string | undefined;
}): ReadyWhen =>
  w.condition
    ? { type: "condition", condition: w.condition }
    : { type: "jsonpath", jsonpath: w.jsonpath ?? "" };

/**
 * kubectl wait's spelling (rollout, condition=Ready, jsonpath={...}=v,
 * cel=..., exists, absent): for messages, and in state, where a release's
 * readiness digest and a test's inputs have kept this text since 0.1.
 */
export function readyText(r: ReadyWhen): string {
  switch (r.type) {
    case "rollout":
    case "exists":
    case "absent":
      return r.type;
    case "condition":
      return `condition=${r.condition}`;
    case "jsonpath":
      return `jsonpath=${r.jsonpath}`;
    case "cel":
      return `cel=${r.condition}`;
  }
}
