/**
 * execa, loaded on its first call rather than at start-up: every command
 * module is loaded to build the command tree, and most commands (check,
 * graph, --help) never start a program (bench/cli.ts).
 */
type Execa = typeof import("execa");

let loaded: Execa | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (): Execa => (loaded ??= require("execa") as Execa);

// The same function, typed as execa itself (its overloads keep every call's result type).
export const execa = ((...args: Parameters<Execa["execa"]>) =>
  load().execa(...args)) as unknown as Execa["execa"];
