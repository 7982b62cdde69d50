/** docs/architecture.md's folder table says exactly which folders each folder imports, in layer order. */
import { strict as assert } from "node:assert";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { execa } from "execa";
import { z } from "zod";

const ROOT = path.resolve(__dirname, "../..");
const TOP = "src/*.ts";

type Arrows = Map<string, string[]>;

/** The table after the marker: folder → the folders its "imports" cell names, in the table's order. */
export function documentedArrows(markdown: string): Arrows {
  const start = markdown.indexOf("<!-- folders:");
  assert.ok(start >= 0, "docs/architecture.md has the folder table marker");
  const rows = markdown
    .slice(start)
    .split("\n")
    .filter((l) => l.startsWith("| `"));
  const names = (cell: string) =>
    [...cell.matchAll(/`([^`]+)`/g)].map((m) => (m[1] ?? "").replace(/\/$/, ""));
  return new Map(
    rows.map((r) => {
      const cells = r.split(" | ");
      return [names(cells[0] ?? "")[0] ?? "", names(cells.at(-1) ?? "")] as const;
    }),
  );
}

const CruiseSchema = z.object({
  modules: z.array(
    z.object({ source: z.string(), dependencies: z.array(z.object({ resolved: z.string() })) }),
  ),
});

/** What the code imports, folder to folder, as dependency-cruiser reads it. */
async function actualArrows(): Promise<Arrows> {
  const res = await execa(
    path.join(ROOT, "node_modules/.bin/depcruise"),
    ["src", "--config", ".dependency-cruiser.cjs", "--output-type", "json"],
    { cwd: ROOT },
  );
  const folderOf = (file: string) => file.split("/").slice(1, -1)[0] ?? TOP;
  const out: Arrows = new Map();
  for (const m of CruiseSchema.parse(JSON.parse(res.stdout)).modules) {
    if (!m.source.startsWith("src/")) continue;
    const from = folderOf(m.source);
    const to = new Set(out.get(from));
    for (const d of m.dependencies)
      if (d.resolved.startsWith("src/") && folderOf(d.resolved) !== from) to.add(folderOf(d.resolved));
    out.set(from, [...to]);
  }
  return out;
}

/** Rows whose imports differ from the code's, and imports of rows not above. */
export function disagreements(documented: Arrows, actual: Arrows): string[] {
  const order = [...documented.keys()];
  const out: string[] = [];
  for (const folder of new Set([...order, ...actual.keys()])) {
    const doc = [...(documented.get(folder) ?? [])].sort();
    const code = [...(actual.get(folder) ?? [])].sort();
    if (!documented.has(folder)) out.push(`${folder}: in src/, missing from the table`);
    else if (doc.join(" ") !== code.join(" "))
      out.push(
        `${folder}: the table says ${doc.join(", ") || "-"}; the code imports ${code.join(", ") || "-"}`,
      );
    for (const d of doc)
      if (order.indexOf(d) >= order.indexOf(folder))
        out.push(`${folder} imports ${d}, which is not above it`);
  }
  return out;
}

describe("docs/architecture.md", function () {
  this.timeout(60_000);

  it("names, for each folder, exactly the folders it imports, each above it", async () => {
    const markdown = await readFile(path.join(ROOT, "docs/architecture.md"), "utf8");
    const documented = documentedArrows(markdown);
    assert.ok(documented.size >= 15, `the table has a row per folder (found ${documented.size})`);
    assert.deepEqual(disagreements(documented, await actualArrows()), []);
  });

  it("the check fails on a wrong row, a missing folder and an upward arrow (the control)", () => {
    const documented: Arrows = new Map([
      ["process", []],
      ["config", ["process"]],
      ["cli", ["config"]],
    ]);
    const actual: Arrows = new Map([
      ["process", ["config"]],
      ["config", ["process"]],
      ["cli", ["config", "kube"]],
      ["kube", []],
    ]);
    const found = disagreements(new Map([...documented, ["process", ["config"]]]), actual);
    assert.ok(found.some((f) => f.startsWith("cli: the table says config; the code imports config, kube")));
    assert.ok(found.some((f) => f === "kube: in src/, missing from the table"));
    assert.ok(found.some((f) => f === "process imports config, which is not above it"));
  });
});
