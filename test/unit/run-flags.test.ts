/** -f/--var/--var-file: how vars layer, and how they reach a program the engine starts (only from its own tazuna). */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ConfigError } from "../../src/config/errors";
import { collectVar, describeSources, layeredVars } from "../../src/config/var-flags";
import {
  CLI_PID_ENV,
  ONLY_ENV,
  RUN_ENV,
  isAncestor,
  onlyFromEnv,
  runFromEnv,
} from "../../src/program/run-env";

describe("--var and --var-file", () => {
  it("layer the stack file's vars, then each var file, then each --var; each keeps its source", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "tazuna-vars-"));
    const file = path.join(dir, "vars.yaml");
    await writeFile(file, "overlay: from-file\nregion: eu-west-1\ntoken: {from: env, env: TOKEN}\n");
    const got = await layeredVars(
      { var: ["overlay=prod", "empty="], varFile: [file] },
      { vars: { overlay: "stack", team: "platform" }, file: "stacks/Pulumi.a.yaml" },
    );
    assert.deepEqual(got.vars, {
      overlay: "prod",
      team: "platform",
      region: "eu-west-1",
      token: { from: "env", env: "TOKEN" },
      empty: "",
    });
    assert.equal(
      describeSources(got.sources),
      `overlay (--var), team (stacks/Pulumi.a.yaml), region (--var-file ${file}), token (--var-file ${file}), empty (--var)`,
    );
  });

  it("refuse a --var without NAME= and a var file that is not a map of vars, naming file, field and fix", async () => {
    assert.throws(
      () => collectVar("overlay"),
      (e: unknown) => e instanceof ConfigError && /NAME=VALUE/.test(e.message),
    );
    assert.deepEqual(collectVar("a=b=c"), ["a=b=c"], "the value may hold =");
    const dir = await mkdtemp(path.join(tmpdir(), "tazuna-vars-"));
    const bad = path.join(dir, "bad.yaml");
    await writeFile(bad, "overlay: [a, b]\n");
    await assert.rejects(layeredVars({ varFile: [bad] }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, new RegExp(`${bad}:1: overlay`));
      return true;
    });
    await assert.rejects(
      layeredVars({ varFile: [path.join(dir, "none.yaml")] }),
      /point --var-file at an existing YAML file/,
    );
  });
});

describe("TAZUNA_RUN and TAZUNA_ONLY_ADDONS reach only a program its own tazuna started", () => {
  const flags = { file: "/x/other.yaml", vars: { overlay: "prod" } };

  it("is taken from the tazuna that started the program: an ancestor, or this process itself", async () => {
    const child = spawn("sleep", ["30"]);
    try {
      assert.ok(isAncestor(process.pid, child.pid as number), "this process started the child");
    } finally {
      child.kill();
    }
    const env = { [CLI_PID_ENV]: String(process.pid), [RUN_ENV]: JSON.stringify(flags), [ONLY_ENV]: "a,b" };
    assert.deepEqual(runFromEnv(env), flags, "an inline program");
    assert.deepEqual(onlyFromEnv(env), ["a", "b"]);
  });

  it("is ignored when it names a process that is not an ancestor (a value left exported in a shell)", async () => {
    const other = spawn("sleep", ["30"]);
    try {
      const pid = other.pid as number;
      assert.equal(isAncestor(pid), false);
      const env = { [CLI_PID_ENV]: String(pid), [RUN_ENV]: JSON.stringify(flags), [ONLY_ENV]: "a,b" };
      assert.equal(runFromEnv(env), undefined);
      assert.equal(onlyFromEnv(env), undefined, "a TAZUNA_ONLY_ADDONS left in a shell");
      assert.equal(runFromEnv({ [RUN_ENV]: JSON.stringify(flags) }), undefined, "no pid at all");
      assert.equal(runFromEnv({ [CLI_PID_ENV]: String(process.pid), [RUN_ENV]: "not json" }), undefined);
    } finally {
      other.kill();
    }
  });
});
