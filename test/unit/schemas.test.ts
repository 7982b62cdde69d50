/** The committed JSON Schema files match the zod schemas the commands build their output with. */
import { strict as assert } from "node:assert";
import { jsonSchemas } from "../../src/cli/schema-files";
import { SCHEMAS } from "../../src/cli/results";
import { checkedJson, schemaFile } from "../schema-check";

describe("output schemas", () => {
  it("schemas/*.schema.json are up to date (npm run schemas)", () => {
    for (const [name, generated] of Object.entries(jsonSchemas()))
      assert.deepEqual(
        schemaFile(name),
        generated,
        `schemas/${name}.schema.json is stale: run npm run schemas`,
      );
    assert.equal(Object.keys(jsonSchemas()).length, Object.keys(SCHEMAS).length);
  });

  it("accept a valid plan document and reject one with a missing or mistyped field", () => {
    const ok = {
      schemaVersion: 1,
      cluster: "c",
      changes: [{ addon: "a", op: "create", object: "x", fields: [] }],
    };
    assert.deepEqual(checkedJson("plan", JSON.stringify(ok)), ok);
    assert.throws(() => checkedJson("plan", JSON.stringify({ schemaVersion: 1, cluster: "c" })), /changes/);
    assert.throws(
      () => checkedJson("plan", JSON.stringify({ ...ok, schemaVersion: 2 })),
      /schemaVersion/,
      "a new schema version is a different document",
    );
  });

  it("the error document carries the exit code", () => {
    assert.ok(
      checkedJson("error", JSON.stringify({ schemaVersion: 1, error: { message: "m", exitCode: 3 } })),
    );
    assert.throws(
      () => checkedJson("error", JSON.stringify({ schemaVersion: 1, error: { message: "m" } })),
      /exitCode/,
    );
  });
});
