import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  EngineError,
  FAILURES_ENV,
  failuresMark,
  failuresSince,
  recordFailure,
  recordingOps,
} from "../../src/errors/failures";
import { EXIT } from "../../src/errors/exit-codes";
import { GuardError } from "../../src/errors/guard";
import { exitCodeOf } from "../../src/errors/tazuna-error";
import { CLI_PID_ENV } from "../../src/process/pids";

function failuresFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "failures-")), "failures.jsonl");
  writeFileSync(file, "");
  return file;
}
const ownEnv = (file: string) => ({ [FAILURES_ENV]: file, [CLI_PID_ENV]: String(process.pid) });

describe("errors thrown inside the engine, typed across it", () => {
  it("a guard refusal among other failures exits 3, each message once", () => {
    const file = failuresFile();
    recordFailure(new Error("add-on a: not ready"), ownEnv(file));
    recordFailure(new GuardError("context x is not prod", "pick prod"), ownEnv(file));
    recordFailure(new GuardError("context x is not prod", "pick prod"), ownEnv(file));
    const recorded = failuresSince(file, 0);
    assert.equal(recorded.length, 2);
    const err = new EngineError(recorded, new Error("update failed"));
    assert.equal(exitCodeOf(err), EXIT.guard);
    assert.match(err.message, /add-on a: not ready\nguard: context x is not prod\n {2}fix: pick prod/);
  });

  it("without a guard refusal the engine's failure exits 1; only what came after the mark counts", () => {
    const file = failuresFile();
    recordFailure(new GuardError("an earlier command", "-"), ownEnv(file));
    const mark = failuresMark(file);
    recordFailure(new Error("render failed"), ownEnv(file));
    const recorded = failuresSince(file, mark);
    assert.deepEqual(recorded, [{ exitCode: EXIT.error, message: "render failed" }]);
    assert.equal(exitCodeOf(new EngineError(recorded, undefined)), EXIT.error);
  });

  it("a file named by a shell, not by this tazuna process, is never written", () => {
    const file = failuresFile();
    recordFailure(new GuardError("x", "y"), { [FAILURES_ENV]: file, [CLI_PID_ENV]: "999999999" });
    recordFailure(new GuardError("x", "y"), { [FAILURES_ENV]: file });
    assert.equal(readFileSync(file, "utf8"), "");
  });

  it("a provider's operations record what they throw and pass it on unchanged", async () => {
    const file = failuresFile();
    const before = { [FAILURES_ENV]: process.env[FAILURES_ENV], [CLI_PID_ENV]: process.env[CLI_PID_ENV] };
    Object.assign(process.env, ownEnv(file));
    try {
      const refusal = new GuardError("moved", "point it back");
      const ops = recordingOps({
        diff: async () => Promise.reject(refusal),
        create: async () => ({ id: "x" }),
      });
      await assert.rejects(ops.diff(), (e) => e === refusal);
      assert.deepEqual(await ops.create(), { id: "x" });
      assert.deepEqual(failuresSince(file, 0), [{ exitCode: EXIT.guard, message: refusal.message }]);
    } finally {
      for (const [k, v] of Object.entries(before))
        if (v === undefined) Reflect.deleteProperty(process.env, k);
        else process.env[k] = v;
    }
  });
});
