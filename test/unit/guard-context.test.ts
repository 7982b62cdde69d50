/** context_matches as the Go tool matches it: RE2, against the whole context name. */
import { strict as assert } from "node:assert";
import { checkContext } from "../../src/guard/context";
import { contextMatches, re2Problem } from "../../src/config/re2";
import { GuardError } from "../../src/errors/guard";

describe("context_matches", () => {
  it("matches the whole name, not a part of it", () => {
    assert.equal(contextMatches("prod", "prod"), true);
    assert.equal(contextMatches("prod", "preprod-cluster"), false);
    assert.equal(contextMatches("prod-.*", "prod-tokyo"), true);
    assert.equal(contextMatches("^kind-", "kind-dev"), false, "anchors do not make a prefix match");
    assert.equal(contextMatches("^kind-$", "kind-"), true);
  });

  it("takes RE2 syntax: inline flags yes, look-around no", () => {
    assert.equal(re2Problem("(?i)^kind-.*"), undefined);
    assert.equal(contextMatches("(?i)kind-.*", "KIND-dev"), true);
    assert.match(re2Problem("prod-(?!test).*") ?? "", /\(\?!/);
    assert.match(re2Problem("^prod-(") ?? "", /missing closing \)/);
  });

  it("or: any pattern; and: every pattern; the refusal names the patterns and the rule", () => {
    assert.doesNotThrow(() => checkContext("prod-tokyo", ["staging-.*", "prod-.*"], "or", "t.yaml"));
    assert.throws(
      () => checkContext("prod-tokyo", ["prod-.*", ".*-osaka"], "and", "t.yaml"),
      (err: unknown) =>
        err instanceof GuardError &&
        /all of: \/prod-\.\*\/, \/\.\*-osaka\/, each matched against the whole name/.test(err.message),
    );
    assert.throws(() => checkContext("preprod-cluster", ["prod"], "or", "t.yaml"), GuardError);
    assert.doesNotThrow(() => checkContext("anything", [], "or", "t.yaml"), "no patterns, no guard");
  });
});
