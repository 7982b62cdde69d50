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
      `add-on "${addon}": rendering failed: ${lastLine(stderr)}\n  command: ${command}\n${indent(stderr)}\n  fix: ${fix}`,
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

/** Tools print their reason last (helm, kustomize: "Error: ..."). */
const lastLine = (s: string) =>
  s
    .trim()
    .split("\n")
    .filter((l) => l.trim())
    .pop() ?? "";
