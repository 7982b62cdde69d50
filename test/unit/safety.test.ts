/** The pure parts of issue 10's safety rules: ownership of fields, hook order, one owner per object, the pin. */
import { strict as assert } from "node:assert";
import { ownedFields, scaleTargets } from "../../src/program/ownership";
import { hooksOf, isHook } from "../../src/render/hooks";
import { refuseDuplicates } from "../../src/addon-types";
import { DuplicateObjectError } from "../../src/errors/render";
import { checkPinned } from "../../src/guard/pinned";
import { GuardError } from "../../src/errors/guard";
import type { K8sObject } from "../../src/kube/objects";

const deployment = (name: string, replicas = 2): K8sObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "apps" },
  spec: { replicas, template: { spec: { containers: [] } } },
});
const hpa = (target: string): K8sObject => ({
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: target, namespace: "apps" },
  spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target }, minReplicas: 3 },
});
const hook = (kind: string, name: string, annotations: Record<string, string>): K8sObject => ({
  apiVersion: kind === "Job" ? "batch/v1" : "v1",
  kind,
  metadata: { name, namespace: "apps", annotations },
});

describe("field ownership", () => {
  it("drops spec.replicas only where an HPA in the same namespace scales the workload", () => {
    const objs = [deployment("web"), deployment("worker"), hpa("web")];
    const out = ownedFields(objs, scaleTargets(objs), []);
    assert.equal((out[0]?.spec as { replicas?: number }).replicas, undefined);
    assert.equal((out[1]?.spec as { replicas?: number }).replicas, 2, "control: no HPA, replicas kept");
    const elsewhere = ownedFields(objs, [{ kind: "Deployment", name: "web", namespace: "other" }], []);
    assert.equal((elsewhere[0]?.spec as { replicas?: number }).replicas, 2);
    assert.equal((objs[0]?.spec as { replicas?: number }).replicas, 2, "the input is not changed");
  });

  it("drops each ignoreFields path of the kind (and name, when given)", () => {
    const out = ownedFields(
      [deployment("a"), deployment("b")],
      [],
      [{ kind: "Deployment", name: "b", paths: ["spec.replicas", "spec.template.spec.containers"] }],
    );
    assert.deepEqual(out[0]?.spec, deployment("a").spec);
    assert.deepEqual(out[1]?.spec, { template: { spec: {} } });
  });
});

describe("helm hooks", () => {
  const objs = [
    hook("Job", "check", { "helm.sh/hook": "post-install", "helm.sh/hook-weight": "1" }),
    hook("ServiceAccount", "check", { "helm.sh/hook": "post-install", "helm.sh/hook-weight": "-5" }),
    hook("Job", "migrate", { "helm.sh/hook": "pre-install,pre-upgrade" }),
    hook("Pod", "test", { "helm.sh/hook": "test" }),
    deployment("web"),
  ];

  it("orders each phase by weight and never runs test hooks", () => {
    assert.deepEqual(
      hooksOf(objs, "post").map((h) => `${h.object.kind}/${h.object.metadata.name}`),
      ["ServiceAccount/check", "Job/check"],
    );
    assert.deepEqual(
      hooksOf(objs, "pre").map((h) => h.events),
      [["pre-install", "pre-upgrade"]],
    );
    assert.equal(
      objs.filter(isHook).length,
      4,
      "the test hook is a hook too, so it is not applied as an object",
    );
  });

  it("deletes a hook after success by default", () => {
    assert.deepEqual(hooksOf(objs, "pre")[0]?.deletePolicies, ["before-hook-creation", "hook-succeeded"]);
  });
});

describe("one owner per object", () => {
  it("names both add-ons; other versions of the kind are the same object", () => {
    const v1beta1 = { ...deployment("web"), apiVersion: "apps/v1beta1" };
    assert.throws(
      () =>
        refuseDuplicates(
          new Map([
            ["a", [deployment("web")]],
            ["b", [v1beta1]],
          ]),
        ),
      (e: unknown) =>
        e instanceof DuplicateObjectError &&
        /add-ons "a" and "b" both render Deployment apps\/web/.test(e.message),
    );
    refuseDuplicates(
      new Map([
        ["a", [deployment("web")]],
        ["b", [deployment("api")]],
      ]),
    );
  });
});

describe("the pin", () => {
  const live = { uid: "uid-b", caFingerprint: "x", server: "https://127.0.0.1:1" };
  it("refuses another cluster than the pinned one, unless re-bound to it", () => {
    assert.throws(
      () => checkPinned({ context: "prod", clusterUid: "uid-a" }, live, "prod"),
      (e: unknown) => e instanceof GuardError && /pinned to.*uid-a.*uid-b/s.test(e.message),
    );
    checkPinned({ context: "prod", clusterUid: "uid-b" }, live, "prod");
    checkPinned({ context: "prod", clusterUid: "uid-a", rebindTo: "uid-b" }, live, "prod");
    checkPinned({ context: "prod" }, live, "prod");
  });
});
