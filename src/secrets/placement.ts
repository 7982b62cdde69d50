/**
 * A value from a secret store may reach the cluster only inside a Secret,
 * whose data the engine keeps encrypted in state and masks in plans; in any
 * other object it would be stored, and printed, in the clear.
 */
import type { K8sObject } from "../render/objects";
import { RenderError } from "../render/errors";

/** Throws naming the first object other than a Secret that holds one of the values. */
export function refuseOutsideSecrets(
  addon: string,
  /** What the values are called, by name: "helmfile.vars" or "tazuna:vars". */
  where: string,
  secret: Record<string, string>,
  objects: readonly K8sObject[],
): void {
  const values = Object.entries(secret).filter(([, v]) => v.length > 0);
  if (values.length === 0) return;
  for (const o of objects) {
    if (o.kind === "Secret") continue;
    const text = JSON.stringify(o);
    const leaked = values.find(([, v]) => text.includes(v));
    if (!leaked) continue;
    const ns = o.metadata.namespace ? `${o.metadata.namespace}/` : "";
    throw new RenderError(
      addon,
      `${where}.${leaked[0]}`,
      `its value, from a secret store, ends up in ${o.kind} ${ns}${o.metadata.name}, which is not a Secret: it would be stored and shown in the clear`,
      "use it only in a Secret (or take it from env if it is not secret)",
    );
  }
}
