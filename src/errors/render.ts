import { scrub } from "../process/scrub";
import { TazunaError } from "./tazuna-error";

/** A render tool failed; the message names the add-on, the exact command line and its stderr. */
export class RenderError extends TazunaError {
  constructor(
    readonly addon: string,
    readonly command: string,
    readonly stderr: string,
    readonly fix: string,
  ) {
    // The reason goes on the first line too: the engine may pass on only that line.
    // Scrubbed here, in the process that resolved the secrets (a project's own program runs in another).
    super(
      scrub(
        `add-on "${addon}": rendering failed: ${reason(stderr)}\n  command: ${command}\n${indent(stderr)}\n  fix: ${fix}`,
      ),
    );
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

/** Two add-ons (or one, twice) render the same object: it can have one owner only. */
export class DuplicateObjectError extends TazunaError {
  constructor(
    readonly object: string,
    readonly addons: readonly string[],
  ) {
    const who =
      addons[0] === addons[1]
        ? `add-on "${addons[0]}" renders ${object} twice`
        : `add-ons "${addons[0]}" and "${addons[1]}" both render ${object}`;
    super(
      `${who}: an object has one owner\n  fix: keep it in one add-on (drop it from the other's manifests or chart values); moving it from one to the other in a single change keeps the live object`,
    );
  }
}
