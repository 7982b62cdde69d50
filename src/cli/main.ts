/** The tazuna command: the bootstrap lifecycle through Automation API, for people who never touch Pulumi. */
import { describe } from "./errors";
import { exitCodeOf } from "../errors/tazuna-error";
import { buildProgram, goBooleans } from "./command-line";
import { takeTraceEnv } from "./trace-run";
import { endTracing } from "../trace/tracing";
import { scrub } from "../process/scrub";
import { startTazunaRun } from "../program/run-env";
import type { GlobalOptions } from "./project";
import { SCHEMA_VERSION } from "./results";
import { isDebug } from "./output";

// `tazuna build | head -3`: the reader left; stop quietly, as cat does, not with an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
  });

takeTraceEnv();
startTazunaRun();
const program = buildProgram();
const exitCodeNow = () => (typeof process.exitCode === "number" ? process.exitCode : 0);
program
  .parseAsync(goBooleans(process.argv))
  .then(() => endTracing(exitCodeNow()))
  .catch(async (err: unknown) => {
    const message = scrub(describe(err));
    const exitCode = exitCodeOf(err);
    console.error(`error: ${message}`);
    // -l debug: where it came from too (the Go tool prints the stack the same way).
    if (isDebug() && err instanceof Error && err.stack) console.error(scrub(err.stack));
    // A json reader (a script, or tazuna --all) gets the failure as a document too.
    const { output, cluster } = program.opts<GlobalOptions>();
    if (output === "json")
      console.log(
        JSON.stringify({
          schemaVersion: SCHEMA_VERSION,
          ...(cluster && !cluster.includes(",") ? { cluster } : {}),
          error: { message, exitCode },
        }),
      );
    process.exitCode = exitCode;
    await endTracing(exitCode, err);
  });
