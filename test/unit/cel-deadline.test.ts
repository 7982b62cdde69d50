/** A CEL condition's work is bounded by the gate's deadline: the worker is stopped, the try fails in time. */
import { strict as assert } from "node:assert";
import { CEL_MODULE } from "../../src/config/cel";
import { evaluateCel } from "../../src/release/cel-deadline";

describe("CEL under a deadline", function () {
  this.timeout(30_000);
  const mod = require.resolve(CEL_MODULE);
  const object = { status: { items: Array.from({ length: 1000 }, (_, i) => i) } };

  it("evaluates a condition (the control)", async () => {
    assert.deepEqual(await evaluateCel(mod, "object.status.items.size() == 1000", object, 5000), {
      value: true,
    });
  });

  it("stops three nested .all over 1,000 items at the deadline", async () => {
    const heavy =
      "object.status.items.all(a, object.status.items.all(b, object.status.items.all(c, a + b + c >= 0)))";
    const t0 = Date.now();
    const outcome = await evaluateCel(mod, heavy, object, 500);
    const took = Date.now() - t0;
    assert.ok("error" in outcome, JSON.stringify(outcome));
    assert.match(outcome.error, /did not finish within 0\.5s/);
    assert.ok(took < 5000, `returned after ${took} ms`);
  });

  it("reports a failing evaluation as an error, not a crash", async () => {
    const outcome = await evaluateCel(mod, "object.missing.field == 1", object, 5000);
    assert.ok("error" in outcome);
  });
});
