/** What `tazuna build` prints of a Secret: keys, never values, in data, stringData or kubectl's last-applied copy. */
import { strict as assert } from "node:assert";
import { digestOf } from "../../src/program/addon";
import type { K8sObject } from "../../src/kube/objects";
import { LAST_APPLIED, REDACTED, redacted } from "../../src/secrets/redact";

describe("build's redaction", () => {
  const value = "sentinel-value-123";
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "db",
      namespace: "apps",
      annotations: {
        team: "platform",
        [LAST_APPLIED]: JSON.stringify({
          kind: "Secret",
          data: { pw: Buffer.from(value).toString("base64") },
        }),
      },
    },
    data: { pw: Buffer.from(value).toString("base64") },
    stringData: { token: value },
  };

  it("replaces every value of a Secret, the last-applied annotation's copy included, keeping keys and other annotations", () => {
    const out = JSON.stringify(redacted(secret));
    assert.doesNotMatch(out, new RegExp(value));
    assert.doesNotMatch(out, new RegExp(Buffer.from(value).toString("base64")));
    const r = redacted(secret) as typeof secret;
    assert.deepEqual(Object.keys(r.data), ["pw"]);
    assert.equal(r.stringData.token, REDACTED);
    assert.equal(r.metadata.annotations[LAST_APPLIED], REDACTED);
    assert.equal(r.metadata.annotations.team, "platform");
  });

  it("leaves any other kind as it is (the control: the same annotation on a ConfigMap stays)", () => {
    const cm = { ...secret, kind: "ConfigMap" };
    assert.equal(redacted(cm), cm);
    assert.match(JSON.stringify(redacted(cm)), new RegExp(value));
  });

  it("the add-on digest in state is no hash of a Secret's values: another value, same digest; another ConfigMap value, another digest", () => {
    const other = {
      ...secret,
      data: { pw: Buffer.from("a-guess").toString("base64") },
      stringData: { token: "x" },
    };
    assert.equal(digestOf([secret as K8sObject]), digestOf([other as K8sObject]));
    const cm = (v: string) =>
      ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { v } }) as K8sObject;
    assert.notEqual(digestOf([cm("a")]), digestOf([cm("b")]), "the control: a ConfigMap's values count");
  });
});
