import { strict as assert } from "node:assert";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { providerModule } from "../../src/resources/by-path";

interface Provider {
  create(inputs: object): Promise<{ id: string; outs: object }>;
  read(id: string, props: object): Promise<{ id: string; props: object }>;
  delete(): Promise<void>;
}

/** The provider module as the engine's dynamic-provider process loads it: a module whose handler() is the provider. */
async function load(dir: string, text: string): Promise<Provider> {
  const file = path.join(dir, `provider-${Math.random().toString(36).slice(2)}.js`);
  await writeFile(file, text);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(file) as { handler: () => Provider }).handler();
}

describe("by-path dynamic providers", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), "tazuna-by-path-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  it("create runs the operations the installed file exports", async () => {
    const ops = path.join(dir, "ops.js");
    await writeFile(ops, 'exports.gateOps = { create: async (i) => ({ id: "made-" + i.n, outs: i }) };');
    const p = await load(dir, providerModule(ops, "gateOps"));
    assert.deepEqual(await p.create({ n: 1 }), { id: "made-1", outs: { n: 1 } });
  });

  it("read and delete need no code: a copy from state works after the package moved", async () => {
    const p = await load(dir, providerModule(path.join(dir, "moved-away.js"), "gateOps"));
    assert.deepEqual(await p.read("x", { a: 1 }), { id: "x", props: { a: 1 } });
    await p.delete();
    // Control: the operations that need the file do fail without it.
    await assert.rejects(p.create({}), /Cannot find module/);
  });

  it("stays small: the path, not the code", () => {
    const text = providerModule(require.resolve("../../src/program/wait-ready"), "waitOps");
    assert.ok(text.length < 1500, `${text.length} bytes`);
  });
});
