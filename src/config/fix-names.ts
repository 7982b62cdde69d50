/**
 * `tazuna check --fix`: names the unnamed entries of spec.manifests as the
 * Go tool does (`<type>-<last path segment>`, lower-cased, any other
 * character `-`, then `-2`, `-3`... on a clash), editing the YAML document
 * so comments and layout stay. Like the Go tool, a file with includes or
 * template expressions is refused: what it names is not what is written.
 */
import { readFile, writeFile } from "node:fs/promises";
import { isMap, isSeq, parseDocument, Scalar, type YAMLMap } from "yaml";
import { TazunaError } from "../errors/tazuna-error";

export class FixRefusedError extends TazunaError {
  constructor(file: string, why: string) {
    super(`${file}: check --fix refused: ${why}\n  fix: add name: to each entry of spec.manifests by hand`);
  }
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9_-]/g, "-");

/** The Go tool's name for an unnamed entry: type and the path's last segment. */
export function goName(type: string, entryPath: string): string {
  const last = entryPath.replace(/\/+$/, "").split("/").pop() ?? "";
  return slug(last ? `${type}-${last}` : type);
}

function unique(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

/** Names the unnamed manifests in place; returns the names given (empty: nothing to fix, file untouched). */
export async function fixNames(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8");
  if (/\{\{/.test(text)) throw new FixRefusedError(file, "it uses template expressions ({{ ... }})");
  const doc = parseDocument(text);
  const manifests = doc.getIn(["spec", "manifests"]);
  if (!isSeq(manifests)) return [];
  const entries = manifests.items.filter((m): m is YAMLMap => isMap(m));
  if (entries.some((m) => m.has("includes"))) throw new FixRefusedError(file, "it uses includes");
  const taken = new Set(entries.flatMap((m) => (m.has("name") ? [String(m.get("name"))] : [])));
  const given: string[] = [];
  for (const m of entries) {
    if (m.has("name") && String(m.get("name") ?? "") !== "") continue;
    const name = unique(goName(String(m.get("type") ?? ""), String(m.get("path") ?? "")), taken);
    m.delete("name");
    // First key, as people write it.
    m.items.unshift(doc.createPair("name", new Scalar(name)));
    given.push(name);
  }
  if (given.length > 0) await writeFile(file, doc.toString());
  return given;
}
