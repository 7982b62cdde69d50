#!/usr/bin/env node
/** The `tazuna` executable. `--version` answers before the command tree is even loaded. */
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  process.stdout.write(`${(require("../version") as typeof import("../version")).versionLine()}\n`);
} else {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("./main");
}
