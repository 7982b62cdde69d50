/** A --tags run (and migrate, fold) leaves the other add-ons out of the engine's run, their releases included. */
import { strict as assert } from "node:assert";
import { excludesFor } from "../../src/resources/urns";

const release = (addon: string) =>
  `urn:pulumi:prod::tazuna::tazuna:index:Addon$pulumi-nodejs:dynamic/tazuna:Release::${addon}`;

describe("excludesFor", () => {
  const patterns = excludesFor("prod", "tazuna", ["argocd"]);

  it("excludes an untagged add-on's release by its exact URN (a release is named as its add-on)", () => {
    assert.ok(patterns.includes(release("argocd")), patterns.join("\n"));
  });

  it("leaves the tagged add-on's release in the run (the control)", () => {
    assert.ok(!patterns.some((p) => p.includes("::ingress")), patterns.join("\n"));
  });
});
