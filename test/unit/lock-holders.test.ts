import { strict as assert } from "node:assert";
import { lockHolders } from "../../src/engine/recovery";

// The engine's refusal as pulumi 3.248's diy backend words it (backend/diy/lock.go).
const refusal = [
  "error: the stack is currently locked by 2 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.",
  "  s3://tazuna-state/.pulumi/locks/organization/p/local/a.json?endpoint=x: created by root@runner-1 (pid 4242) at 2026-11-26T23:50:01Z",
  "  s3://tazuna-state/.pulumi/locks/organization/p/local/b.json?endpoint=x: created by ci@runner-2 (pid 77) at 2026-11-26T23:50:02Z",
].join("\n");

describe("lockHolders", () => {
  it("reads every holder from the engine's refusal, in stderr or in the message", () => {
    const expected = [
      { host: "runner-1", pid: 4242, at: "2026-11-26T23:50:01Z" },
      { host: "runner-2", pid: 77, at: "2026-11-26T23:50:02Z" },
    ];
    assert.deepEqual(lockHolders(Object.assign(new Error("failed"), { stderr: refusal })), expected);
    assert.deepEqual(lockHolders(new Error(refusal)), expected);
  });

  it("finds none in any other error, even one that quotes a holder line", () => {
    assert.deepEqual(lockHolders(new Error("update failed")), []);
    assert.deepEqual(lockHolders(new Error(refusal.split("\n")[1])), []);
  });
});
