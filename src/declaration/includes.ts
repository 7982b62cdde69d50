/**
 * spec.manifests entries, each parsed on its own, with `includes` expanded
 * in place (one level, as in the Go tool: an included file may not include).
 */
import * as path from "node:path";
import type { ConfigProblem } from "../config/errors";
import { fieldPath } from "../config/errors";
import { keysAt, zodProblems } from "../config/issues";
import { problemAt, type ParsedFile } from "../config/parse";
import type { Node } from "./dependencies";
import { loadFile, type Loaded, type ReadOptions } from "./file";
import { ManifestSchema, type ManifestEntry } from "./manifest-schema";

/** An entry that parsed, and where it is written. */
export interface Located {
  entry: ManifestEntry;
  parsed: ParsedFile;
  path: PropertyKey[];
}

/** Each entry on its own: a valid one to check further, an invalid one as problems (its name still counts). */
function parseEntries(loaded: Loaded, problems: ConfigProblem[], named: Node[]): Located[] {
  const out: Located[] = [];
  loaded.entries.forEach((raw, i) => {
    const at = ["spec", "manifests", i];
    const res = ManifestSchema.safeParse(raw);
    if (res.success) {
      out.push({ entry: res.data, parsed: loaded.parsed, path: at });
      return;
    }
    problems.push(...zodProblems(loaded.parsed, res.error.issues, (p) => keysAt(ManifestSchema, p), at));
    const r = raw as { name?: unknown; dependsOn?: unknown } | null;
    if (typeof r?.name === "string") named.push(brokenNode(r.name, loaded.parsed, at));
  });
  return out;
}

/** An entry whose shape is wrong: known by name for dependsOn, with no edges of its own. */
function brokenNode(name: string, parsed: ParsedFile, at: PropertyKey[]): Node {
  return { name, dependsOn: [], origin: { file: parsed.file, path: at, dependsOnLines: [] } };
}

/** The entries of the top file with `includes` replaced by the entries of the files they name. */
export async function expandIncludes(
  top: Loaded,
  opts: ReadOptions,
  problems: ConfigProblem[],
  named: Node[],
) {
  const out: Located[] = [];
  for (const l of parseEntries(top, problems, named)) {
    if (!l.entry.includes) {
      out.push(l);
      continue;
    }
    for (const [j, inc] of l.entry.includes.entries()) {
      const file = path.resolve(path.dirname(top.parsed.file), inc.path);
      const sub = await loadFile(file, opts, problems);
      if (!sub) continue;
      for (const e of parseEntries(sub, problems, named)) {
        if (!e.entry.includes) {
          out.push(e);
          continue;
        }
        problems.push(
          problemAt(
            sub.parsed,
            [...e.path, "includes"],
            `nested includes are an error, as in the Go tool (included from ${top.parsed.file}, ${fieldPath([...l.path, "includes", j])})`,
            "list the nested file directly in the top-level tazuna.yaml's includes",
          ),
        );
      }
    }
  }
  return out;
}
