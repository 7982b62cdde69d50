/** Reads a YAML file keeping positions, so every problem can name its line. */
import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument, isNode, type Document } from "yaml";
import { fieldPath, type ConfigProblem } from "./errors";

export interface ParsedFile {
  file: string;
  doc: Document;
  lines: LineCounter;
  data: unknown;
}

/**
 * `render` runs on the text before YAML sees it (tazuna.yaml is a Go
 * template); it returns undefined after reporting its own problem.
 */
export async function parseYamlFile(
  file: string,
  problems: ConfigProblem[],
  render?: (text: string) => Promise<string | undefined>,
): Promise<ParsedFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push(
      problemAt(
        { file },
        [],
        code === "ENOENT" ? "file not found" : `cannot read the file (${code ?? String(err)})`,
        code === "ENOENT"
          ? "create it (tazuna init writes a starter) or point -f at the right file"
          : "check its permissions",
      ),
    );
    return undefined;
  }
  if (render) {
    const out = await render(text);
    if (out === undefined) return undefined;
    text = out;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      problems.push(
        problemAt(
          { file, line: lines.linePos(e.pos[0]).line },
          [],
          `YAML syntax error: ${e.message.split("\n")[0]}`,
          "fix the YAML syntax at that line (indentation, quotes, a missing colon)",
        ),
      );
    }
    return undefined;
  }
  return { file, doc, lines, data: doc.toJS() };
}

/** The line of the node at `path`, or of its closest existing parent. */
export function lineOf(parsed: ParsedFile, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = parsed.doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return parsed.lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * The one way a problem is made: at a path of a parsed file (its line found
 * there), or at a path of a file not parsed (a line given, if known).
 */
export function problemAt(
  where: ParsedFile | { file: string; line?: number | undefined },
  path: readonly PropertyKey[],
  message: string,
  fix: string,
): ConfigProblem {
  const line = "doc" in where ? lineOf(where, path) : where.line;
  return { file: where.file, field: fieldPath(path), ...(line !== undefined ? { line } : {}), message, fix };
}
