import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { withoutRegistrationStacks } from "../../src/program/registration-stacks";

// What the SDK records with a resource it registers (resource.js: Resource.stackTrace).
const recorded = () => (pulumi.Resource as unknown as { stackTrace(skip: number): unknown[] }).stackTrace(0);

describe("withoutRegistrationStacks", () => {
  it("resources registered inside record no stack; outside, the SDK records one (the control)", () => {
    assert.ok(recorded().length > 0, "the SDK records the registration's stack by default");
    assert.deepEqual(
      withoutRegistrationStacks(() => recorded()),
      [],
    );
    assert.ok(recorded().length > 0, "restored afterwards, for a user's own resources");
  });

  it("is restored when the registration throws", () => {
    assert.throws(() =>
      withoutRegistrationStacks(() => {
        throw new Error("render failed");
      }),
    );
    assert.ok(recorded().length > 0);
  });
});
