/**
 * A value from a secret store may reach the cluster only inside a Secret,
 * whose data the engine keeps encrypted in state and masks in plans; in any
 * other object it would be stored, and printed, in the clear.
 */
import type { K8sObject } from "../kube/objects";
import { RenderError } from "../errors/render";

/** Lines this long or longer of a multi-line value are looked for on their own. */
const LINE_MIN = 8;

/** The forms a value takes in rendered objects: as is, trimmed, each long line, base64 (b64enc). */
export function formsOf(value: string): string[] {
  const forms = new Set([value, value.trim()]);
  for (const line of value.split(/\r?\n/)) if (line.trim().length >= LINE_MIN) forms.add(line.trim());
  for (const v of [value, value.trim()]) forms.add(Buffer.from(v).toString("base64"));
  return [...forms].filter((f) => f.length > 0);
}

/** Every string of an object after parsing (escapes undone), keys included, with where it is. */
function* strings(value: unknown, at: string): Generator<[string, string]> {
  if (typeof value === "string") yield [at, value];
  else if (Array.isArray(value)) for (const [i, x] of value.entries()) yield* strings(x, `${at}[${i}]`);
  else if (value && typeof value === "object")
    for (const [k, x] of Object.entries(value)) {
      yield [`${at}.${k}`, k];
      yield* strings(x, `${at}.${k}`);
    }
}

/** Where a store value sits outside a Secret's data: the field, or undefined. */
function leakIn(o: K8sObject, forms: readonly string[]): string | undefined {
  const { data: _d, stringData: _s, ...rest } = o as K8sObject & { data?: unknown; stringData?: unknown };
  const scanned = o.kind === "Secret" ? rest : o;
  for (const [field, text] of strings(scanned, ""))
    if (forms.some((f) => text.includes(f))) return field.slice(1);
  return undefined;
}

/** Throws naming the first object, and field, where one of the values sits outside a Secret's data. */
export function refuseOutsideSecrets(
  addon: string,
  /** What the values are called, by name: "helmfile.vars" or "tazuna:vars". */
  where: string,
  secret: Record<string, string>,
  objects: readonly K8sObject[],
): void {
  const values = Object.entries(secret)
    .filter(([, v]) => v.length > 0)
    .map(([name, v]) => [name, formsOf(v)] as const);
  if (values.length === 0) return;
  for (const o of objects)
    for (const [name, forms] of values) {
      const field = leakIn(o, forms);
      if (field === undefined) continue;
      const ns = o.metadata.namespace ? `${o.metadata.namespace}/` : "";
      throw new RenderError(
        addon,
        `${where}.${name}`,
        `its value, from a secret store, ends up in ${o.kind} ${ns}${o.metadata.name} at ${field}, outside a Secret's data: it would be stored and shown in the clear`,
        "use it only in a Secret's data or stringData (or take it from env if it is not secret)",
      );
    }
}
