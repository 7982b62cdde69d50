import { strict as assert } from "node:assert";
import {
  ReadyWhenSchema,
  builtInReady,
  declaredReady,
  readyText,
  type ReadyWhen,
} from "../../src/config/readiness";

describe("readiness as a value", () => {
  it("keeps kubectl's spelling in state, the text 0.1 stored (a release's digest, a test's inputs)", () => {
    const spelled: [ReadyWhen, string][] = [
      [{ type: "rollout" }, "rollout"],
      [declaredReady({ condition: "Ready" }), "condition=Ready"],
      [declaredReady({ jsonpath: "{.status.phase}=Active" }), "jsonpath={.status.phase}=Active"],
      [{ type: "cel", condition: "self.status.ok" }, "cel=self.status.ok"],
      [{ type: "exists" }, "exists"],
      [{ type: "absent" }, "absent"],
    ];
    for (const [ready, text] of spelled) assert.equal(readyText(ready), text);
  });

  it("built-in waits: rollouts, Jobs complete, CRDs established; nothing for other kinds", () => {
    assert.deepEqual(builtInReady("StatefulSet"), { type: "rollout" });
    assert.deepEqual(builtInReady("Job"), { type: "condition", condition: "Complete" });
    assert.deepEqual(builtInReady("CustomResourceDefinition"), {
      type: "condition",
      condition: "Established",
    });
    assert.equal(builtInReady("ConfigMap"), undefined);
  });

  it("the schema refuses what no gate can check", () => {
    assert.ok(ReadyWhenSchema.safeParse({ type: "condition", condition: "Ready" }).success);
    assert.ok(!ReadyWhenSchema.safeParse({ type: "condition" }).success);
    assert.ok(!ReadyWhenSchema.safeParse({ type: "rollout", condition: "x" }).success);
    assert.ok(!ReadyWhenSchema.safeParse("rollout").success, "the old string form is not a value");
  });
});
