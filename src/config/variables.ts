/**
 * Per-cluster variables: `${vars.NAME}` and `${cluster}` in any string of
 * tazuna.yaml are replaced with the stack's `tazuna:vars` and its name, so
 * clusters of one role share one declaration. `$${` writes a literal `${`.
 */
import type { ConfigProblem } from "./errors";
import { didYouMean } from "./suggest";
import { problemAt } from "./parse";

export interface Variables {
  cluster: string;
  vars: Record<string, string>;
  /** The stack file the cluster's vars come from, when it has one: named in the fix. */
  stackFile?: string;
}

/** Where a missing var can be set, the same words from check, plan and the engine's program. */
export function whereVarsGo(name: string, stackFile?: string): string {
  const file = stackFile ?? "the cluster's stack file (stacks/Pulumi.<cluster>.yaml)";
  return `pass --var ${name}=VALUE (or --var-file FILE), or set tazuna:vars.${name} in ${file}; write $\${ for a literal`;
}

const REF = /\$(\$?)\{([^}]*)\}/g;

function substitute(s: string, v: Variables, onUnknown: (ref: string) => void): string {
  return s.replace(REF, (whole, escaped: string, ref: string) => {
    if (escaped) return whole.slice(1);
    if (ref === "cluster") return v.cluster;
    const m = /^vars\.([A-Za-z0-9_-]+)$/.exec(ref);
    const value = m?.[1] !== undefined ? v.vars[m[1]] : undefined;
    if (value === undefined) {
      onUnknown(ref);
      return whole;
    }
    return value;
  });
}

/** Returns a copy of `value` with every reference replaced; unknown ones become problems. */
export function expandVariables(
  value: unknown,
  v: Variables,
  file: string,
  path: PropertyKey[],
  problems: ConfigProblem[],
): unknown {
  if (typeof value === "string") {
    return substitute(value, v, (ref) => {
      const name = ref.replace(/^vars\./, "");
      const hint = didYouMean(name, Object.keys(v.vars));
      problems.push(
        problemAt(
          { file },
          path,
          `unknown variable \${${ref}}`,
          hint ? `did you mean \${vars.${hint}}?` : whereVarsGo(name, v.stackFile),
        ),
      );
    });
  }
  if (Array.isArray(value)) return value.map((x, i) => expandVariables(x, v, file, [...path, i], problems));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, x]) => [k, expandVariables(x, v, file, [...path, k], problems)]),
    );
  }
  return value;
}
