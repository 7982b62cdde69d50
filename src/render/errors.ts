/** A render tool failed; the message names the add-on, the exact command line and its stderr. */
export class RenderError extends Error {
  constructor(
    readonly addon: string,
    readonly command: string,
    readonly stderr: string,
    readonly fix: string,
  ) {
    // The reason goes on the first line too: the engine may pass on only that line.
    super(
      `add-on "${addon}": rendering failed: ${reason(stderr)}\n  command: ${command}\n${indent(stderr)}\n  fix: ${fix}`,
    );
    this.name = "RenderError";
  }
}

const indent = (s: string) =>
  s
    .trim()
    .split("\n")
    .map((l) => `  | ${l}`)
    .join("\n");

/** The line that says why: the last one that says "error" (helm adds hints after it), else the last. */
function reason(stderr: string): string {
  const lines = stderr.split("\n").filter((l) => l.trim());
  return [...lines].reverse().find((l) => /error/i.test(l)) ?? lines.pop() ?? "";
}
