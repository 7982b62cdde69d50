/** How a run over several clusters passes arguments on and sums up exit codes. */
import { strict as assert } from "node:assert";
import { childArgv } from "../../src/cli/fan-out";
import { combinedExit } from "../../src/errors/exit-codes";

describe("fan-out", () => {
  it("gives each cluster's process the same command, its own --cluster, and json output", () => {
    assert.deepEqual(
      childArgv(["-p", "proj", "apply", "--all", "--concurrency", "2", "--tags", "edge", "-o", "text"], "b", [
        "--yes",
      ]),
      ["-p", "proj", "apply", "--tags", "edge", "--yes", "--cluster", "b", "--output", "json"],
    );
    assert.deepEqual(childArgv(["plan", "--cluster=a,b,c", "--output=json"], "c"), [
      "plan",
      "--cluster",
      "c",
      "--output",
      "json",
    ]);
  });

  it("exit code: interrupt > failure > changes > ok", () => {
    assert.equal(combinedExit([0, 0]), 0);
    assert.equal(combinedExit([0, 2]), 2);
    assert.equal(combinedExit([2, 3, 0]), 1, "a guard refusal in one cluster fails the run");
    assert.equal(combinedExit([4, 2]), 1);
    assert.equal(combinedExit([1, 130, 0]), 130);
  });
});
