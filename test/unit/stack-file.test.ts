import { strict as assert } from "node:assert";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ConfigError } from "../../src/config/errors";
import { listClusters, loadStackSettings } from "../../src/config/stack-file";

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "stacks-"));
  await mkdir(path.join(dir, "stacks"));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, "stacks", name), text);
  return dir;
}

async function problems(dir: string, cluster: string) {
  const err = await loadStackSettings(dir, cluster).catch((e: unknown) => e);
  assert.ok(err instanceof ConfigError, String(err));
  return err.problems;
}

describe("stack files", () => {
  it("reads tazuna settings and lists clusters", async () => {
    const dir = await project({
      "Pulumi.staging.yaml":
        "encryptionsalt: abc\nconfig:\n  tazuna:context: kind-staging\n  tazuna:vars:\n    region: eu\n    replicas: 3\n  other:key: x\n",
      "Pulumi.prod.yaml": "config:\n  tazuna:context: prod\n",
    });
    assert.deepEqual(await listClusters(dir), ["prod", "staging"]);
    assert.deepEqual(await loadStackSettings(dir, "staging"), {
      context: "kind-staging",
      vars: { region: "eu", replicas: "3" },
    });
  });

  it("names an unknown tazuna setting with a suggestion", async () => {
    const dir = await project({ "Pulumi.s.yaml": "config:\n  tazuna:context: a\n  tazuna:kubconfig: x\n" });
    const [p] = await problems(dir, "s");
    assert.equal(p?.field, "config.tazuna:kubconfig");
    assert.match(p?.fix ?? "", /did you mean "tazuna:kubeconfig"/);
    assert.match(p?.file ?? "", /stacks\/Pulumi\.s\.yaml$/);
  });

  it("requires tazuna:context", async () => {
    const dir = await project({ "Pulumi.s.yaml": "config:\n  tazuna:file: x.yaml\n" });
    const [p] = await problems(dir, "s");
    assert.equal(p?.field, "config.tazuna:context");
    assert.equal(p?.line, 2, "the line of the config block it belongs in");
  });

  it("says how to create a missing stack file", async () => {
    const dir = await project({});
    const [p] = await problems(dir, "nope");
    assert.match(p?.message ?? "", /file not found/);
    assert.match(p?.fix ?? "", /tazuna init/);
  });
});
