/** The engine's error output, reduced to the lines a person needs. */
import { strict as assert } from "node:assert";
import { describe as describeError } from "../../src/cli/errors";

const engineError = (stderr: string) => Object.assign(new Error("code: 255"), { stderr });

describe("engine errors on stderr", () => {
  it("keeps each numbered error of the engine's 'N errors occurred'", () => {
    const text = describeError(
      engineError(
        [
          "Updating (prod):",
          "error: 2 errors occurred:",
          "    1) state file contains errors: resource a's dependency b refers to missing resource",
          "    2) importing this file could be dangerous; rerun with --force to proceed anyway",
          "Resources:",
          "    3 unchanged",
        ].join("\n"),
      ),
    );
    assert.match(text, /2 errors occurred/);
    assert.match(text, /1\) state file contains errors/);
    assert.match(text, /2\) importing this file could be dangerous/);
    assert.doesNotMatch(text, /unchanged|Updating/, "the engine's progress lines are left out");
  });
});
