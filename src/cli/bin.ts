#!/usr/bin/env node
/** The `tazuna` executable. `--version` answers before the command tree is even loaded. */
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const version = require("../process/version") as typeof import("../process/version");
  process.stdout.write(`${version.versionLine()}\n`);
} else if (args[0] === "__complete") {
  // Asked by the shell on every Tab: candidates only, never an error on the terminal.
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { complete } = require("./completion") as typeof import("./completion");
    process.stdout.write(
      complete(args.slice(1))
        .map((c) => `${c}\n`)
        .join(""),
    );
  } catch {
    process.exitCode = 0;
  }
} else {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("./main");
}
