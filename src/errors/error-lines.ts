/**
 * A failure that is not ours (the engine's own, a tool's output) is read as
 * text only to print it: its error lines, each once.
 */

/**
 * One line of the engine's output as ours: without the resource it came
 * from and the "Unhandled exception: XError:" the language host adds, so
 * the program's own error reads as it would from the CLI, once.
 */
function engineLine(line: string): string {
  return line
    .trim()
    .replace(/^\+?\s*pulumi:pulumi:Stack \S+ \S+ (\(\d+s\) )?/, "")
    .replace(/^error: /, "")
    .replace(/^Unhandled exception: (\w*Error: )?/, "");
}

/** The error lines of a failure that is not ours (the engine's own, a tool's output), at most 15. */
export function errorLines(err: Error): string {
  const stderr = (err as { stderr?: unknown }).stderr;
  const text = typeof stderr === "string" && stderr ? stderr : err.message;
  const lines = text
    .split("\n")
    // Also a render tool's command line and stderr, a readiness gate's last answer, and each
    // error of the engine's "N errors occurred" (numbered or bulleted).
    .filter((l) =>
      /error:|guard:|fix:|created by|^\s+\*|^\s+\d+\) |^\s+(recorded|now|nothing was|command:|\||last answer:)/.test(
        l,
      ),
    );
  const unique = [...new Set(lines.map(engineLine))].filter((l) => !/^(preview|update) failed$/.test(l));
  return unique.length > 0 ? unique.slice(0, 15).join("\n") : err.message;
}
