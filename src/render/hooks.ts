/**
 * Which rendered objects are helm hooks (annotated helm.sh/hook) and in
 * which order helm runs them. They are not part of the release: build
 * leaves them out, and the program runs them around the add-on's objects
 * (program/hooks.ts).
 */
import { z } from "zod";
import { K8sObjectSchema, type K8sObject } from "../kube/objects";

export type HookPhase = "pre" | "post";

export const HookSchema = z.object({
  /** The helm.sh/hook events, e.g. ["pre-install", "pre-upgrade"]. */
  events: z.array(z.string()),
  weight: z.number(),
  /** helm.sh/hook-delete-policy; none given: before-hook-creation and hook-succeeded. */
  deletePolicies: z.array(z.string()),
  object: K8sObjectSchema,
});
export type Hook = z.infer<typeof HookSchema>;

const HOOK = "helm.sh/hook";
const DEFAULT_DELETE = ["before-hook-creation", "hook-succeeded"];

const annotationsOf = (o: K8sObject): Record<string, string> =>
  (o.metadata as { annotations?: Record<string, string> }).annotations ?? {};

/** Whether helm would treat the object as a hook rather than part of the release. */
export const isHook = (o: K8sObject): boolean => HOOK in annotationsOf(o);

/** The hooks of one phase, in the order helm runs them: by weight, then kind, then name. */
export function hooksOf(objects: readonly K8sObject[], phase: HookPhase): Hook[] {
  return objects
    .filter(isHook)
    .map((object) => {
      const a = annotationsOf(object);
      const list = (v: string | undefined) =>
        (v ?? "")
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean);
      const policies = list(a["helm.sh/hook-delete-policy"]);
      return {
        events: list(a[HOOK]).filter(
          (e) => e.startsWith(`${phase}-install`) || e.startsWith(`${phase}-upgrade`),
        ),
        weight: Number.parseInt(a["helm.sh/hook-weight"] ?? "0", 10) || 0,
        deletePolicies: policies.length > 0 ? policies : DEFAULT_DELETE,
        object,
      };
    })
    .filter((h) => h.events.length > 0)
    .sort(
      (x, y) =>
        x.weight - y.weight ||
        x.object.kind.localeCompare(y.object.kind) ||
        x.object.metadata.name.localeCompare(y.object.metadata.name),
    );
}
