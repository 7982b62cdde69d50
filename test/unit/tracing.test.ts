/** Which settings turn traces on, and how the Go tool's flags become the standard OTEL_* variables. */
import { strict as assert } from "node:assert";
import { exportingFrom, sendTimeoutMs, useOtlpFlags } from "../../src/trace/tracing";
import { labelAttributes } from "../../src/trace/spans";

describe("trace settings", () => {
  it("off without an endpoint, or when the SDK or the traces exporter is disabled", () => {
    assert.equal(exportingFrom({}), undefined);
    assert.equal(
      exportingFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" }),
      undefined,
    );
    assert.equal(
      exportingFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "none" }),
      undefined,
    );
  });

  it("on with either endpoint variable; http/protobuf unless a protocol is named", () => {
    assert.deepEqual(exportingFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" }), {
      protocol: "http/protobuf",
    });
    assert.deepEqual(
      exportingFrom({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4317",
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
      }),
      { protocol: "grpc" },
    );
    assert.deepEqual(
      exportingFrom({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
      }),
      { protocol: "http/json" },
      "the traces variable wins over the general one",
    );
  });

  it("an unknown protocol is refused with the ones that work", () => {
    assert.throws(
      () => exportingFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_EXPORTER_OTLP_PROTOCOL: "thrift" }),
      /OTEL_EXPORTER_OTLP_PROTOCOL is "thrift"[\s\S]*fix: set it to one of grpc, http\/protobuf, http\/json/,
    );
  });

  it("--otlp-endpoint host:port is OTLP/gRPC, plaintext unless --otlp-insecure=false", () => {
    const plain: NodeJS.ProcessEnv = {};
    useOtlpFlags("collector:4317", true, plain);
    assert.deepEqual(plain, {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4317",
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc",
    });
    const tls: NodeJS.ProcessEnv = {};
    useOtlpFlags("collector:4317", false, tls);
    assert.equal(tls.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, "https://collector:4317");
    const none: NodeJS.ProcessEnv = {};
    useOtlpFlags(undefined, true, none);
    assert.deepEqual(none, {}, "no flag: the variables decide");
    assert.throws(() => useOtlpFlags("a b", true, {}), /fix: give host:port/);
  });

  it("a send waits half a second unless OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT says otherwise", () => {
    assert.equal(sendTimeoutMs({}), 500);
    assert.equal(sendTimeoutMs({ OTEL_EXPORTER_OTLP_TIMEOUT: "3000" }), 3000);
    assert.equal(
      sendTimeoutMs({ OTEL_EXPORTER_OTLP_TIMEOUT: "3000", OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "200" }),
      200,
    );
    assert.equal(sendTimeoutMs({ OTEL_EXPORTER_OTLP_TIMEOUT: "soon" }), 500, "not a number: the default");
  });

  it("spans name the add-on or the test a provider operation is for", () => {
    assert.deepEqual(labelAttributes('add-on "cert-manager"'), { "tazuna.addon": "cert-manager" });
    assert.deepEqual(labelAttributes('test "argocd-up"'), { "tazuna.test": "argocd-up" });
    assert.deepEqual(labelAttributes("other"), { "tazuna.label": "other" });
  });
});
