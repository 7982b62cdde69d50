/** Where the state's secrets get their encryption: one rule for the commands and doctor. */
import { strict as assert } from "node:assert";
import { secretsSource } from "../../src/state/passphrase";

describe("secrets source", () => {
  it("a KMS first, then a passphrase, then a passphrase file; nothing is never an empty passphrase", () => {
    assert.deepEqual(
      secretsSource({ TAZUNA_SECRETS_PROVIDER: "awskms://alias/t", PULUMI_CONFIG_PASSPHRASE: "p" }),
      {
        kind: "kms",
        url: "awskms://alias/t",
      },
    );
    assert.deepEqual(
      secretsSource({ TAZUNA_SECRETS_PROVIDER: "passphrase", PULUMI_CONFIG_PASSPHRASE: "p" }),
      {
        kind: "passphrase",
        value: "p",
      },
    );
    assert.deepEqual(secretsSource({ PULUMI_CONFIG_PASSPHRASE: "", PULUMI_CONFIG_PASSPHRASE_FILE: "/f" }), {
      kind: "passphrase file",
      file: "/f",
    });
    assert.equal(secretsSource({ PULUMI_CONFIG_PASSPHRASE: "" }), undefined);
    assert.equal(secretsSource({}), undefined);
  });
});
