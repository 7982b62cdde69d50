/** The Go tool's state keys: manifest/group/version/kind[/namespace]/name with every / written as __. */
import { strict as assert } from "node:assert";
import { parseGoStateKey } from "../../src/live/go-state";

describe("the Go tool's state keys", () => {
  it("reads namespaced, cluster-scoped and core-group keys", () => {
    assert.deepEqual(parseGoStateKey("cert-manager__apps__v1__Deployment__cert-manager__webhook"), {
      manifest: "cert-manager",
      group: "apps",
      version: "v1",
      kind: "Deployment",
      namespace: "cert-manager",
      name: "webhook",
    });
    assert.deepEqual(parseGoStateKey("cni____v1__Namespace__kube-flannel"), {
      manifest: "cni",
      group: "",
      version: "v1",
      kind: "Namespace",
      namespace: "",
      name: "kube-flannel",
    });
  });

  it("skips what is not an object's key", () => {
    assert.equal(parseGoStateKey("_metadata"), undefined);
    assert.equal(parseGoStateKey("a__b"), undefined);
  });
});
