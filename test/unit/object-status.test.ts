/** kstatus' rules, as `tazuna status` applies them to each object. */
import { strict as assert } from "node:assert";
import { statusOf } from "../../src/live/object-status";
import { builtInReady } from "../../src/config/readiness";
import { readyNow } from "../../src/release/ready";

const cond = (type: string, status: string, reason?: string) => ({
  type,
  status,
  ...(reason ? { reason } : {}),
});

describe("object status (kstatus rules)", () => {
  it("kinds with their own rule", () => {
    const job = (conditions: unknown[]) => statusOf({ kind: "Job", status: { conditions } });
    assert.equal(job([cond("Complete", "True")]).state, "Ready");
    assert.deepEqual(job([]), { state: "NotReady", reason: "no condition Complete yet" });
    assert.match(
      job([cond("Failed", "True", "BackoffLimitExceeded")]).reason,
      /job failed: Failed=True \(BackoffLimitExceeded\)/,
    );
    assert.equal(statusOf({ kind: "PersistentVolumeClaim", status: { phase: "Bound" } }).state, "Ready");
    assert.match(
      statusOf({ kind: "PersistentVolumeClaim", status: { phase: "Pending" } }).reason,
      /not bound/,
    );
    assert.equal(statusOf({ kind: "Service", spec: { type: "ClusterIP" } }).state, "Ready");
    assert.match(
      statusOf({ kind: "Service", spec: { type: "LoadBalancer" }, status: {} }).reason,
      /no load balancer/,
    );
    assert.equal(
      statusOf({
        kind: "Service",
        spec: { type: "LoadBalancer" },
        status: { loadBalancer: { ingress: [{ ip: "192.0.2.1" }] } },
      }).state,
      "Ready",
    );
    assert.equal(
      statusOf({ kind: "CustomResourceDefinition", status: { conditions: [cond("Established", "True")] } })
        .state,
      "Ready",
    );
    assert.match(
      statusOf({
        kind: "CustomResourceDefinition",
        status: { conditions: [cond("NamesAccepted", "False", "ListKindConflict")] },
      }).reason,
      /NamesAccepted=False/,
    );
    assert.equal(
      statusOf({ kind: "Pod", status: { phase: "Running", conditions: [cond("Ready", "True")] } }).state,
      "Ready",
    );
    assert.equal(statusOf({ kind: "Pod", status: { phase: "Succeeded" } }).state, "Ready");
    assert.equal(statusOf({ kind: "Pod", status: { phase: "Pending" } }).state, "NotReady");
    const deploy = { kind: "Deployment", metadata: { generation: 2 }, spec: { replicas: 2 } };
    assert.equal(
      statusOf({
        ...deploy,
        status: { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      }).state,
      "Ready",
    );
    assert.match(
      statusOf({
        ...deploy,
        status: { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1 },
      }).reason,
      /1 of 2 updated replicas are available/,
    );
  });

  it("what every kind is checked for", () => {
    assert.match(
      statusOf({ kind: "ConfigMap", metadata: { deletionTimestamp: "2026-01-01T00:00:00Z" } }).reason,
      /being deleted/,
    );
    assert.match(
      statusOf({ kind: "Widget", metadata: { generation: 3 }, status: { observedGeneration: 2 } }).reason,
      /generation 3 not observed/,
    );
    assert.match(
      statusOf({ kind: "Widget", status: { conditions: [cond("Stalled", "True", "Broken")] } }).reason,
      /Stalled=True \(Broken\)/,
    );
    assert.match(
      statusOf({ kind: "Widget", status: { conditions: [cond("Ready", "False", "Waiting")] } }).reason,
      /Ready=False/,
    );
    assert.deepEqual(
      statusOf({ kind: "ConfigMap" }),
      { state: "Ready", reason: "" },
      "the control: a plain object exists, so it is Ready",
    );
  });

  it("agrees with apply's gate for every kind apply waits for (one definition of ready)", () => {
    const samples: Record<string, unknown>[] = [
      { kind: "Job", status: { conditions: [cond("Complete", "True")] } },
      { kind: "Job", status: { conditions: [cond("Complete", "False")] } },
      { kind: "CustomResourceDefinition", status: { conditions: [cond("Established", "True")] } },
      { kind: "CustomResourceDefinition", status: {} },
      {
        kind: "Deployment",
        metadata: { generation: 1 },
        spec: { replicas: 1 },
        status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
      },
      {
        kind: "Deployment",
        metadata: { generation: 2 },
        spec: { replicas: 1 },
        status: { observedGeneration: 1 },
      },
    ];
    let ready = 0;
    for (const o of samples) {
      const gate = builtInReady(String(o.kind));
      assert.ok(gate && (gate.type === "rollout" || gate.type === "condition"), String(o.kind));
      const applied = readyNow(gate, String(o.kind), o).ok;
      assert.equal(statusOf(o).state === "Ready", applied, JSON.stringify(o));
      if (applied) ready++;
    }
    assert.equal(ready, 3, "the control: half the samples are ready");
  });
});
