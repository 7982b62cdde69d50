/** An entry that only holds includes, as the Go tool's files write it: no name of its own. */
import { strict as assert } from "node:assert";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadDeclaration } from "../../src/declaration/load";

describe("includes", () => {
  it("an entry with only includes needs no name; the included add-ons take its place, in order", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "tazuna-includes-"));
    await mkdir(path.join(dir, "k"));
    await mkdir(path.join(dir, "team", "k"), { recursive: true });
    await writeFile(path.join(dir, "k", "kustomization.yaml"), "resources: []\n");
    // Where an included path resolves is another question (issue 9); both places exist here.
    await writeFile(path.join(dir, "team", "k", "kustomization.yaml"), "resources: []\n");
    await writeFile(
      path.join(dir, "tazuna.yaml"),
      [
        "apiVersion: tazuna.pepabo.com/v1",
        "kind: Tazuna",
        "spec:",
        "  manifests:",
        "    - {name: first, type: kustomize, path: k}",
        "    - includes:",
        "        - path: team/tazuna.yaml",
        "    - {name: last, type: kustomize, path: k}",
        "",
      ].join("\n"),
    );
    await writeFile(
      path.join(dir, "team", "tazuna.yaml"),
      "spec:\n  manifests:\n    - {name: team-a, type: kustomize, path: k}\n    - {name: team-b, type: kustomize, path: k}\n",
    );
    const decl = await loadDeclaration(path.join(dir, "tazuna.yaml"));
    assert.deepEqual(
      decl.addons.map((a) => a.name),
      ["first", "team-a", "team-b", "last"],
    );
  });
});
