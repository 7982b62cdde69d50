/** A secret-store value may sit only in a Secret's data: found in every form it takes in rendered objects. */
import { strict as assert } from "node:assert";
import type { K8sObject } from "../../src/kube/objects";
import { RenderError } from "../../src/errors/render";
import { refuseOutsideSecrets } from "../../src/secrets/placement";

const PEM =
  "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5owuV\noAoGCCqGSM49AwEHoUQDQgAE\n-----END EC PRIVATE KEY-----\n";
const TOKEN = "tok-3f9a1c";

const object = (kind: string, body: Record<string, unknown>): K8sObject =>
  ({ apiVersion: "v1", kind, metadata: { name: "x", namespace: "apps" }, ...body }) as K8sObject;

const refused = (o: K8sObject, secret: Record<string, string> = { key: PEM, token: TOKEN }) => {
  try {
    refuseOutsideSecrets("app", "tazuna:vars", secret, [o]);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof RenderError);
    return err.message;
  }
};

describe("the placement check", () => {
  it("finds a multi-line value whole, a line of it, its base64 and a b64enc'd one-line value", () => {
    assert.match(
      refused(object("ConfigMap", { data: { "tls.key": PEM } })) ?? "",
      /tazuna:vars\.key.*ConfigMap apps\/x at data\.tls\.key/s,
    );
    assert.match(
      refused(object("ConfigMap", { data: { "key.pem": `header\n${PEM.split("\n")[1] ?? ""}\n` } })) ?? "",
      /tazuna:vars\.key/,
    );
    assert.match(
      refused(object("ConfigMap", { binaryData: { key: Buffer.from(PEM).toString("base64") } })) ?? "",
      /at binaryData\.key/,
    );
    assert.match(
      refused(
        object("Deployment", {
          spec: { template: { metadata: { annotations: { t: Buffer.from(TOKEN).toString("base64") } } } },
        }),
      ) ?? "",
      /tazuna:vars\.token.*at spec\.template\.metadata\.annotations\.t/s,
    );
  });

  it("refuses a value in a Secret outside its data (an annotation) and allows it in data and stringData", () => {
    assert.match(
      refused(object("Secret", { metadata: { name: "s", annotations: { note: TOKEN } }, data: {} })) ?? "",
      /at metadata\.annotations\.note/,
    );
    assert.equal(
      refused(
        object("Secret", {
          data: { key: Buffer.from(PEM).toString("base64") },
          stringData: { token: TOKEN },
        }),
      ),
      undefined,
    );
  });

  it("lets everything else through (the control: the same objects without the values)", () => {
    assert.equal(refused(object("ConfigMap", { data: { "tls.key": "not a key" } })), undefined);
    assert.equal(refused(object("ConfigMap", { data: { "tls.key": PEM } }), {}), undefined);
  });
});
