/**
 * How a typed error crosses the engine. The program and the dynamic-provider
 * operations run in the engine's processes (or, for the built-in program,
 * behind its gRPC boundary), and the engine hands the tazuna command only
 * text. So each of them appends the errors it throws, with their exit
 * codes, to a file the tazuna command named for this run (TAZUNA_FAILURES);
 * when the engine fails, the command reads what was recorded during that
 * engine command and throws one EngineError carrying it. A value of
 * TAZUNA_FAILURES left exported in a shell is ignored (fromOwnTazuna).
 */
import { appendFileSync, readFileSync, statSync } from "node:fs";
import { z } from "zod";
import { fromOwnTazuna } from "../process/pids";
import { scrub } from "../process/scrub";
import { EXIT } from "./exit-codes";
import { TazunaError, exitCodeOf } from "./tazuna-error";

export const FAILURES_ENV = "TAZUNA_FAILURES";

const FailureSchema = z.object({ exitCode: z.number().int(), message: z.string() });
export type Failure = z.infer<typeof FailureSchema>;

/** Records an error thrown inside the engine for the tazuna command that started it. */
export function recordFailure(err: unknown, env: NodeJS.ProcessEnv = process.env): void {
  const file = env[FAILURES_ENV];
  if (!file || !fromOwnTazuna(env)) return;
  const message = scrub(err instanceof Error ? err.message : String(err));
  try {
    appendFileSync(file, `${JSON.stringify({ exitCode: exitCodeOf(err), message })}\n`, { mode: 0o600 });
  } catch {
    // The command then reads the engine's text, as under a plain `pulumi up`.
  }
}

/** Runs `fn`, recording what it throws before passing it on. */
export async function recording<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    recordFailure(err);
    throw err;
  }
}

/** Each operation of a dynamic provider, recording what it throws. */
export function recordingOps<O extends object>(ops: O): O {
  const wrapped: Record<string, unknown> = {};
  for (const [name, op] of Object.entries(ops))
    wrapped[name] =
      typeof op === "function"
        ? (...args: unknown[]) => recording(async () => (op as (...a: unknown[]) => unknown)(...args))
        : op;
  return wrapped as O;
}

/** The size of the failures file now: what is recorded after this belongs to the next engine command. */
export function failuresMark(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** What was recorded after `mark`, each message once. */
export function failuresSince(file: string, mark: number): Failure[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8").slice(mark);
  } catch {
    return [];
  }
  const seen = new Map<string, Failure>();
  for (const line of text.split("\n")) {
    const parsed = FailureSchema.safeParse(parseLine(line));
    if (parsed.success) seen.set(parsed.data.message, parsed.data);
  }
  return [...seen.values()];
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined; // the empty tail, or a line a killed process left half written
  }
}

/** A refusal outranks a plain failure: one guard refusal among several errors still exits 3. */
const RANK: readonly number[] = [EXIT.guard, EXIT.locked, EXIT.interrupted];

/** The engine failed because of what Tazuna's own code threw inside it. */
export class EngineError extends TazunaError {
  constructor(
    readonly failures: readonly Failure[],
    readonly engineError: unknown,
  ) {
    const code = RANK.find((c) => failures.some((f) => f.exitCode === c)) ?? EXIT.error;
    super(failures.map((f) => f.message).join("\n"), code);
  }
}
