/** The tazuna command: the bootstrap lifecycle through Automation API, for people who never touch Pulumi. */
import { describe, exitCodeOf } from "./errors";
import { buildProgram } from "./command-line";
import type { GlobalOptions } from "./project";
import { SCHEMA_VERSION } from "./results";

const program = buildProgram();
program.parseAsync(process.argv).catch((err: unknown) => {
  const message = describe(err);
  const exitCode = exitCodeOf(err);
  console.error(`error: ${message}`);
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
});
