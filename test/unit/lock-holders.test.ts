import { strict as assert } from "node:assert";
import { lockHolders } from "../../src/engine/recovery";
import { typedEngineError } from "../../src/engine/errors";
import { exitCodeOf } from "../../src/errors/tazuna-error";
import { EXIT } from "../../src/errors/exit-codes";

// The engine's refusal as pulumi 3.248's diy backend words it (backend/diy/lock.go).
const refusal = [
  "error: the stack is currently locked by 2 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.",
  "  s3://tazuna-state/.pulumi/locks/organization/p/local/a.json?endpoint=x: created by root@runner-1 (pid 4242) at 2026-11-26T23:50:01Z",
  "  s3://tazuna-state/.pulumi/locks/organization/p/local/b.json?endpoint=x: created by ci@runner-2 (pid 77) at 2026-11-26T23:50:02Z",
].join("\n");

// Automation API's own classifier of a failed command (internal to its typings, so required here).
/* eslint-disable @typescript-eslint/no-require-imports */
const { CommandResult } = require("@pulumi/pulumi/automation/cmd") as {
  CommandResult: new (stdout: string, stderr: string, code: number) => object;
};
const { createCommandError } = require("@pulumi/pulumi/automation/errors") as {
  createCommandError: (result: object) => Error;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** What an engine command that failed with `stderr` throws, as Automation API classifies it, then as ours. */
const engineFailure = (stderr: string): unknown =>
  typedEngineError(createCommandError(new CommandResult("", stderr, 255)), []);

describe("a locked stack", () => {
  it("is typed from Automation API's own error: exit 4, every holder read", () => {
    const err = engineFailure(refusal);
    assert.equal(exitCodeOf(err), EXIT.locked);
    assert.deepEqual(lockHolders(err), [
      { host: "runner-1", pid: 4242, at: "2026-11-26T23:50:01Z" },
      { host: "runner-2", pid: 77, at: "2026-11-26T23:50:02Z" },
    ]);
  });

  it("any other engine failure has no holders and exits 1, even one that quotes a holder line", () => {
    for (const err of [engineFailure("error: update failed"), engineFailure(refusal.split("\n")[1] ?? "")]) {
      assert.equal(exitCodeOf(err), EXIT.error);
      assert.deepEqual(lockHolders(err), []);
    }
    assert.deepEqual(
      lockHolders(new Error(refusal)),
      [],
      "a message alone is text, not the engine's refusal",
    );
  });
});
