/**
 * The command lines Tazuna gives render tools: every positional argument (a
 * release name, a chart, a folder, a registry reference) after `--`, so a
 * value that looks like a flag is never read as one. Stand-in tools on PATH
 * record their argv, one argument per line.
 */
import { strict as assert } from "node:assert";
import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Addon } from "../../src/addon-types";
import { addon as made } from "../addons";
import { renderAddon } from "../../src/addon-types";

const FLAG_LIKE = "--post-renderer=/tmp/evil.sh";

/** Each call's argv, in order, and what the render ended with. */
async function recorded(
  run: (a: (over: Partial<Addon>) => Addon) => Promise<unknown>,
): Promise<{ calls: string[][]; outcome: unknown }> {
  const dir = await mkdtemp(path.join(tmpdir(), "tazuna-argv-"));
  const log = path.join(dir, "argv");
  for (const tool of ["helm", "kustomize", "oras"]) {
    await writeFile(
      path.join(dir, tool),
      `#!/bin/sh\nfor a in "$@"; do echo "$a" >> ${log}; done\necho "====" >> ${log}\n`,
    );
    await chmod(path.join(dir, tool), 0o755);
  }
  const saved = { PATH: process.env.PATH, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  process.env.PATH = `${dir}:${saved.PATH ?? ""}`;
  process.env.XDG_CACHE_HOME = dir;
  const addon = (over: Partial<Addon>): Addon => made({ name: "app", type: "helm", baseDir: dir, ...over });
  try {
    // The stand-ins print nothing: only their argv matters.
    const outcome = await run(addon).catch((e: unknown) => e);
    const text = (await readFile(log, "utf8")).trimEnd();
    const calls = text.split("\n====").map((c) => c.split("\n").filter((l) => l !== ""));
    return { calls: calls.filter((c) => c.length > 0), outcome };
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = v;
  }
}

/** The arguments after the one `--`, and that there is exactly one. */
function afterDashes(argv: string[]): string[] {
  assert.equal(argv.filter((a) => a === "--").length, 1, `one -- in ${JSON.stringify(argv)}`);
  return argv.slice(argv.indexOf("--") + 1);
}

describe("render tool command lines", function () {
  this.timeout(30_000);

  it("helm template: flags, then -- RELEASE CHART", async () => {
    const { calls } = await recorded((addon) =>
      renderAddon(
        addon({
          namespace: "apps",
          helm: {
            releaseName: FLAG_LIKE,
            repo: "http://127.0.0.1:5000/charts",
            chart: "app",
            version: "1.2.3",
          },
        }),
      ),
    );
    const argv = calls[0] ?? [];
    assert.equal(argv[0], "template");
    assert.deepEqual(afterDashes(argv), [FLAG_LIKE, "app"]);
    assert.ok(argv.indexOf("--namespace") < argv.indexOf("--"), "flags come before --");
  });

  it("an oci:// chart at a version is pulled into the artifact cache first: helm pull flags -- CHART", async () => {
    const { calls } = await recorded((addon) =>
      renderAddon(
        addon({
          helm: { chart: "oci://127.0.0.1:5000/charts/app", version: "1.2.3", plainHTTP: true },
        }),
      ),
    );
    const argv = calls[0] ?? [];
    assert.equal(argv[0], "pull");
    assert.ok(argv.includes("--plain-http") && argv.includes("--destination"), JSON.stringify(argv));
    assert.deepEqual(afterDashes(argv), ["oci://127.0.0.1:5000/charts/app"]);
  });

  it("kustomize build -- DIR", async () => {
    const { calls } = await recorded((addon) => renderAddon(addon({ type: "kustomize", dir: FLAG_LIKE })));
    assert.deepEqual(calls, [["build", "--", FLAG_LIKE]]);
  });

  it("oras resolve: flags, then -- REFERENCE; an answer that is not a digest stops there", async () => {
    const { calls, outcome } = await recorded((addon) =>
      renderAddon(
        addon({
          type: "oras",
          oras: { reference: FLAG_LIKE, plainHTTP: true, delegate: { type: "kustomize" } },
        } as Partial<Addon>),
      ),
    );
    assert.equal(calls.length, 1, `nothing is pulled without a digest: ${JSON.stringify(calls)}`);
    assert.match(String(outcome), /oras resolve answered "", not a digest/);
    const argv = calls[0] ?? [];
    assert.equal(argv[0], "resolve");
    assert.ok(argv.includes("--plain-http"), "its flags are there (the control)");
    assert.deepEqual(afterDashes(argv), [FLAG_LIKE]);
  });
});
