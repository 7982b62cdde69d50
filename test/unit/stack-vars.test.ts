/** tazuna:vars that name where a value is kept: read at run time, placeholders offline. */
import { strict as assert } from "node:assert";
import { StackSettingsSchema } from "../../src/config/settings";
import { SecretReferenceError } from "../../src/secrets/sources";
import { placeholderVars, resolveStackVars } from "../../src/secrets/stack-vars";

describe("stack vars by reference", () => {
  const settings = StackSettingsSchema.parse({
    context: "c",
    vars: {
      region: "eu-west-1",
      replicas: 3,
      domain: { from: "env", env: "TAZUNA_UNIT_DOMAIN" },
      token: { from: "sops", sops: { file: "secrets/x.sops.yaml", key: "token" } },
    },
  });
  const vars = settings.vars ?? {};

  it("keeps plain values, reads env at run time, and an env value is not a secret", async () => {
    process.env.TAZUNA_UNIT_DOMAIN = "example.test";
    const { values, secret } = await resolveStackVars(
      { region: vars.region ?? "", domain: vars.domain ?? "" },
      ".",
      "s",
    );
    assert.deepEqual(values, { region: "eu-west-1", domain: "example.test" });
    assert.deepEqual(secret, {});
  });

  it("an unset env reference stops with the stack, the var and the variable, never a value", async () => {
    delete process.env.TAZUNA_UNIT_DOMAIN;
    await assert.rejects(resolveStackVars({ domain: vars.domain ?? "" }, ".", "staging"), (e: Error) => {
      assert.ok(e instanceof SecretReferenceError);
      assert.match(e.message, /stack staging: tazuna:vars\.domain \(env TAZUNA_UNIT_DOMAIN\).*is not set/s);
      return true;
    });
  });

  it("offline, a store reference is a visible placeholder and nothing is read", () => {
    assert.deepEqual(placeholderVars(vars), {
      region: "eu-west-1",
      replicas: "3",
      domain: "<tazuna:vars.domain from env>",
      token: "<tazuna:vars.token from sops>",
    });
  });

  it("refuses a reference of an unknown kind in the stack file", () => {
    const bad = StackSettingsSchema.safeParse({ context: "c", vars: { x: { from: "vault", vault: "a" } } });
    assert.equal(bad.success, false);
  });
});
