/**
 * execa, loaded on its first call rather than at start-up: every command
 * module is loaded to build the command tree, and most commands (check,
 * graph, --help) never start a program (bench/cli.ts). At --log-level debug
 * each command line goes to stderr first (secrets go on stdin or in files,
 * never on a command line; scrub() masks any value known to be secret).
 */
import { scrub } from "./scrub";

type Execa = typeof import("execa");

/** The tazuna command's --log-level, for every process it starts (the engine's program included). */
export const LOG_LEVEL_ENV = "TAZUNA_LOG_LEVEL";

let loaded: Execa | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (): Execa => (loaded ??= require("execa") as Execa);

const quoted = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** At debug level: `debug: exec: <command line>` on stderr. */
export function traceCommand(file: string, args: readonly string[] = []): void {
  if (process.env[LOG_LEVEL_ENV] !== "debug") return;
  process.stderr.write(`${scrub(`debug: exec: ${[file, ...args].map(quoted).join(" ")}`)}\n`);
}

// The same function, typed as execa itself (its overloads keep every call's result type).
export const execa = ((...args: Parameters<Execa["execa"]>) => {
  const [file, rest] = args as unknown as [string | URL, unknown];
  traceCommand(String(file), Array.isArray(rest) ? rest.map(String) : []);
  return load().execa(...args);
}) as unknown as Execa["execa"];
