/**
 * CEL conditions of WaitUntil tests, compiled by a maintained CEL
 * implementation (@marcbachmann/cel-js) in the environment the Go tool
 * gives them: one dynamic variable, `object`. The Go tool finds a broken
 * condition only while waiting (each try fails, for ever without a
 * timeout); here `tazuna check` refuses it.
 */
import type { Environment } from "@marcbachmann/cel-js";

let env: Environment | undefined;
// Loaded on first use: most files have no CEL condition, and every command loads the config.
const celEnv = () =>
  (env ??= new // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require("@marcbachmann/cel-js") as typeof import("@marcbachmann/cel-js")).Environment().registerVariable(
    "object",
    "dyn",
  ));

/** Why a condition would never pass (does not compile, or is not a bool), or undefined. */
export function celProblem(condition: string): string | undefined {
  try {
    const res = celEnv().check(condition);
    if (!res.valid) return `does not compile: ${(res.error?.message ?? "invalid").split("\n")[0]}`;
    // As in the Go tool, the static type must be bool: a bare field is dyn (write `== true`).
    if (res.type !== "bool")
      return `is of type ${res.type}, but a condition must be a bool (compare it: == true)`;
    return undefined;
  } catch (err) {
    return `does not compile: ${(err as Error).message.split("\n")[0]}`;
  }
}

/** The module the readiness gate loads to evaluate conditions during apply. */
export const CEL_MODULE = "@marcbachmann/cel-js";
