/** Shell completion's candidates, from the command tree, stacks/ and tazuna.yaml. */
import { strict as assert } from "node:assert";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { complete, SCRIPTS } from "../../src/cli/completion";

describe("completion", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tazuna-complete-"));
    await mkdir(path.join(dir, "stacks"));
    for (const c of ["prod-eu", "prod-us", "staging"])
      await writeFile(path.join(dir, "stacks", `Pulumi.${c}.yaml`), "");
    await writeFile(
      path.join(dir, "tazuna.yaml"),
      "spec:\n  manifests:\n    - {name: cni, tags: [network]}\n    - {name: ingress, tags: [network, edge]}\n    - {name: argocd}\n",
    );
  });
  const p = (...words: string[]) => complete(["-p", dir, ...words]);

  it("commands and sub-commands", () => {
    assert.deepEqual(complete(["pl"]), ["plan"]);
    assert.deepEqual(complete(["state", "d"]), ["diff", "drift"]);
    assert.ok(complete([""]).includes("secret-to-genesissecret"));
    assert.ok(!complete([""]).some((c) => c.startsWith("__")), "the hidden command is not offered");
  });

  it("a command's flags, then the global ones", () => {
    assert.deepEqual(complete(["apply", "--pr"]), [
      "--prune",
      "--prune-leftovers",
      "--prune-crds",
      "--project",
      "--project-name",
    ]);
    assert.ok(complete(["apply", "--"]).includes("--cluster"));
    assert.deepEqual(complete(["destroy", "--fo"]), ["--force"]);
  });

  it("clusters from stacks/, tags and add-ons from tazuna.yaml, fixed values", () => {
    assert.deepEqual(p("plan", "--cluster", "prod"), ["prod-eu", "prod-us"]);
    assert.deepEqual(p("plan", "-c", "prod-eu,st"), ["prod-eu,staging"]);
    assert.deepEqual(p("apply", "-t", ""), ["edge", "network"]);
    assert.deepEqual(p("state", "fold", "--as", "a"), ["argocd"]);
    assert.deepEqual(p("diff-clusters", "prod-us", "s"), ["staging"]);
    assert.deepEqual(complete(["-o", ""]), ["text", "json", "markdown"]);
    assert.deepEqual(complete(["-l", "d"]), ["debug"]);
  });

  it("the control: nothing to offer where nothing fits, and no error from a folder without tazuna.yaml", () => {
    assert.deepEqual(complete(["zzz"]), []);
    assert.deepEqual(complete(["-p", path.join(dir, "nowhere"), "apply", "-t", ""]), []);
  });

  it("a script per shell, each asking tazuna __complete", () => {
    for (const shell of ["bash", "zsh", "fish"]) assert.match(SCRIPTS[shell] ?? "", /tazuna __complete/);
  });
});
