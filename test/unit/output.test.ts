/** Color only on a terminal; NO_COLOR wins; FORCE_COLOR forces. */
import { strict as assert } from "node:assert";
import { colorEnabled } from "../../src/cli/output";

describe("colorEnabled", () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it("colors a terminal, not a pipe", () => {
    assert.equal(colorEnabled(tty, { TERM: "xterm" }), true);
    assert.equal(colorEnabled(pipe, { TERM: "xterm" }), false);
    assert.equal(colorEnabled(tty, { TERM: "dumb" }), false);
  });
  it("honours NO_COLOR (any non-empty value) over a terminal and FORCE_COLOR", () => {
    assert.equal(colorEnabled(tty, { NO_COLOR: "1" }), false);
    assert.equal(colorEnabled(tty, { NO_COLOR: "1", FORCE_COLOR: "1" }), false);
    assert.equal(
      colorEnabled(tty, { NO_COLOR: "" }),
      true,
      "an empty NO_COLOR is unset, as no-color.org says",
    );
  });
  it("FORCE_COLOR colors a pipe, FORCE_COLOR=0 does not", () => {
    assert.equal(colorEnabled(pipe, { FORCE_COLOR: "1" }), true);
    assert.equal(colorEnabled(pipe, { FORCE_COLOR: "0" }), false);
  });
});
