import { strict as assert } from "node:assert";
import { conditionMet, jsonpathMet, parseTarget, rolloutStatus } from "../../src/release/ready";

const deployment = (status: Record<string, unknown>, generation = 2, replicas = 3) => ({
  metadata: { generation },
  spec: { replicas },
  status: { observedGeneration: 2, ...status },
});

describe("readiness in process (kubectl's rules)", () => {
  it("parses kubectl targets, with and without a version", () => {
    assert.deepEqual(parseTarget("Deployment.v1.apps/web"), {
      kind: "Deployment",
      apiVersion: "apps/v1",
      name: "web",
    });
    assert.deepEqual(parseTarget("Certificate.v1.cert-manager.io/tls"), {
      kind: "Certificate",
      apiVersion: "cert-manager.io/v1",
      name: "tls",
    });
    assert.deepEqual(parseTarget("ConfigMap/c"), { kind: "ConfigMap", name: "c" });
  });

  it("a Deployment is rolled out only when every replica is updated and available, for this generation", () => {
    const done = { updatedReplicas: 3, replicas: 3, availableReplicas: 3 };
    assert.equal(rolloutStatus("Deployment", deployment(done)).ok, true);
    assert.equal(rolloutStatus("Deployment", deployment(done, 3)).ok, false, "a generation not yet observed");
    assert.match(
      rolloutStatus("Deployment", deployment({ ...done, updatedReplicas: 1 })).out,
      /1 out of 3 new/,
    );
    assert.match(rolloutStatus("Deployment", deployment({ ...done, replicas: 4 })).out, /1 old replicas/);
    assert.match(
      rolloutStatus("Deployment", deployment({ ...done, availableReplicas: 2 })).out,
      /2 of 3 updated/,
    );
    const stuck = { ...done, conditions: [{ type: "Progressing", reason: "ProgressDeadlineExceeded" }] };
    assert.match(rolloutStatus("Deployment", deployment(stuck)).out, /progress deadline/);
  });

  it("StatefulSets and DaemonSets follow their own counters; other kinds have no rollout", () => {
    const sts = (status: Record<string, unknown>) => ({
      metadata: { generation: 1 },
      spec: { replicas: 2 },
      status: { observedGeneration: 1, ...status },
    });
    assert.equal(
      rolloutStatus("StatefulSet", sts({ readyReplicas: 2, currentRevision: "a", updateRevision: "a" })).ok,
      true,
    );
    assert.equal(
      rolloutStatus("StatefulSet", sts({ readyReplicas: 2, currentRevision: "a", updateRevision: "b" })).ok,
      false,
    );
    assert.equal(
      rolloutStatus("StatefulSet", sts({ readyReplicas: 1, currentRevision: "a", updateRevision: "a" })).ok,
      false,
    );
    const ds = (updated: number, available: number) => ({
      metadata: { generation: 1 },
      spec: {},
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 2,
        updatedNumberScheduled: updated,
        numberAvailable: available,
      },
    });
    assert.equal(rolloutStatus("DaemonSet", ds(2, 2)).ok, true);
    assert.equal(rolloutStatus("DaemonSet", ds(2, 1)).ok, false);
    const job = rolloutStatus("Job", { metadata: {}, status: {} });
    assert.equal(job.ok, false);
    assert.equal(job.permanent, true);
  });

  it("a condition passes at True (or the value asked), not when stale or absent", () => {
    const o = (status: string, observedGeneration?: number) => ({
      metadata: { generation: 2 },
      status: {
        conditions: [{ type: "Established", status, ...(observedGeneration ? { observedGeneration } : {}) }],
      },
    });
    assert.equal(conditionMet(o("True"), "Established").ok, true);
    assert.equal(conditionMet(o("True"), "established").ok, true, "kubectl matches the type in any case");
    assert.equal(conditionMet(o("False"), "Established").ok, false);
    assert.equal(conditionMet(o("False"), "Established=false").ok, true);
    assert.equal(conditionMet(o("True", 1), "Established").ok, false, "a condition of an older generation");
    assert.equal(conditionMet(o("True"), "Ready").ok, false);
  });

  it("a jsonpath passes when its one value is the value asked", () => {
    const ns = {
      status: {
        phase: "Active",
        conditions: [
          { type: "A", status: "True" },
          { type: "B", status: "False" },
        ],
      },
    };
    assert.equal(jsonpathMet(ns, "{.status.phase}=Active").ok, true);
    assert.equal(jsonpathMet(ns, "{.status.phase}=Terminating").ok, false);
    assert.equal(jsonpathMet(ns, '{.status.conditions[?(@.type=="B")].status}=False').ok, true);
    assert.equal(jsonpathMet(ns, "{.status.missing}=x").ok, false);
    assert.equal(
      jsonpathMet(ns, "{.status.conditions[*].status}=True").permanent,
      true,
      "more than one value",
    );
  });
});
