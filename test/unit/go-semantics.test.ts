/** The Go tool's meanings Tazuna keeps: check --fix's names, destroy -t's selection, prune's rule. */
import { strict as assert } from "node:assert";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fixNames, goName } from "../../src/config/fix-names";
import { selectForDestroy } from "../../src/graph/order";
import { pruneRule, ruleOf, PRUNE_ENV, configurePrune } from "../../src/release/prune";
import { CLI_PID_ENV } from "../../src/process/pids";

const DECL = `apiVersion: tazuna.pepabo.com/v1
kind: Tazuna
spec:
  # the add-ons, in order
  manifests:
    - type: kustomize
      path: ./Cert Manager/base/   # trailing slash
    - name: kustomize-base
      type: kustomize
      path: other/base
    - type: kustomize
      path: third/base
    - type: helmfile
      path: charts/helmfile.yaml
`;

describe("check --fix", () => {
  it("names unnamed manifests <type>-<last path segment>, -2 on a clash, comments kept", async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), "tazuna-fix-")), "tazuna.yaml");
    await writeFile(file, DECL);
    assert.deepEqual(await fixNames(file), [
      "kustomize-base-2",
      "kustomize-base-3",
      "helmfile-helmfile-yaml",
    ]);
    const text = await readFile(file, "utf8");
    assert.match(text, /# the add-ons, in order/);
    assert.match(text, /# trailing slash/);
    assert.match(text, /- name: kustomize-base-2\n\s+type: kustomize\n\s+path: .\/Cert Manager\/base\//);
    assert.deepEqual(await fixNames(file), [], "a second run has nothing to name");
    assert.equal(goName("oras", "a/B_c.d"), "oras-b_c-d");
  });

  it("refuses a file with includes or template expressions, untouched", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "tazuna-fix-"));
    for (const [name, text] of <[string, string][]>[
      ["inc.yaml", `${DECL}    - includes: [{path: more.yaml}]\n`],
      ["tpl.yaml", DECL.replace("third/base", "{{ .Environment }}/base")],
    ]) {
      const file = path.join(dir, name);
      await writeFile(file, text);
      await assert.rejects(fixNames(file), /check --fix refused: it uses (includes|template expressions)/);
      assert.equal(await readFile(file, "utf8"), text);
    }
  });
});

describe("destroy -t", () => {
  const addons = [
    { name: "base", dependsOn: [], tags: ["base"] },
    { name: "apps", dependsOn: ["base"], tags: ["apps"] },
    { name: "tools", dependsOn: ["base"], tags: ["tools", "apps"] },
  ];
  it("the tagged add-ons go with what depends on them listed; none pulled in", () => {
    const s = selectForDestroy(addons, ["apps"]);
    assert.deepEqual(s.going, ["apps", "tools"]);
    assert.deepEqual(s.conflicts, []);
    assert.deepEqual(
      [...s.dependents],
      [
        ["apps", []],
        ["tools", []],
      ],
    );
  });
  it("an add-on that stays and depends on one that goes is a conflict naming both", () => {
    assert.deepEqual(selectForDestroy(addons, ["base"]).conflicts, [
      ["apps", "base"],
      ["tools", "base"],
    ]);
  });
  it("without dependsOn anywhere, declaration order is the dependency (as the engine has it)", () => {
    const plain = addons.map((a) => ({ ...a, dependsOn: [] }));
    assert.deepEqual(selectForDestroy(plain, ["base"]).conflicts, [["apps", "base"]]);
    assert.deepEqual(selectForDestroy(plain, ["tools"]).conflicts, []);
  });
});

describe("prune", () => {
  it("the flag wins, then tazuna:prune, then true; each says what decided", () => {
    assert.deepEqual(ruleOf(undefined, undefined), {
      prune: true,
      cause: "tazuna:prune unset, true by default",
    });
    assert.deepEqual(ruleOf(undefined, false), { prune: false, cause: "tazuna:prune: false" });
    assert.deepEqual(ruleOf(true, false), { prune: true, cause: "--prune" });
    assert.deepEqual(ruleOf(false, true), { prune: false, cause: "--no-prune" });
  });
  it("the provider takes the flag only from the tazuna command that started it", () => {
    configurePrune("false");
    try {
      const own = { [PRUNE_ENV]: "true", [CLI_PID_ENV]: String(process.pid) };
      assert.equal(pruneRule(own).cause, "--prune");
      const stray = { [PRUNE_ENV]: "true", [CLI_PID_ENV]: "999999999" };
      assert.deepEqual(pruneRule(stray), { prune: false, cause: "tazuna:prune: false" });
    } finally {
      configurePrune(undefined);
    }
  });
});
