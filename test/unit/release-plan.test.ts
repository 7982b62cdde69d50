/**
 * How a release's plan names what a forced apply would change: content
 * differences between the live object and the dry-run's answer, and fields
 * Tazuna's manager would take back, in Pulumi's path style.
 */
import { strict as assert } from "node:assert";
import { changedFields, fieldChanges, pathText } from "../../src/release/plan";
import { planLines } from "../../src/release/engine-log";

const managed = (manager: string, fieldsV1: unknown, operation = "Apply") => ({
  manager,
  operation,
  apiVersion: "v1",
  fieldsType: "FieldsV1",
  fieldsV1,
});

const object = (labels: Record<string, string>, data: Record<string, string>, managedFields: unknown[]) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: {
    name: "probe",
    namespace: "ns",
    labels,
    managedFields,
    resourceVersion: "7",
    uid: "u",
    creationTimestamp: "t",
  },
  data,
});

const TAZUNA_ALL = { "f:metadata": { "f:labels": { "f:team": {} } }, "f:data": { "f:mode": {} } };

describe("release plan: changed fields", () => {
  it("the same object with other server-kept metadata changes nothing (the control)", () => {
    const live = object({ team: "a" }, { mode: "x" }, [managed("tazuna", TAZUNA_ALL)]);
    const applied = { ...live, metadata: { ...live.metadata, resourceVersion: "8", generation: 2 } };
    assert.deepEqual(changedFields(live, applied), []);
  });

  it("a changed label and a changed data key, by path", () => {
    const live = object({ team: "hand" }, { mode: "edited" }, [managed("kubectl-edit", {}, "Update")]);
    const applied = object({ team: "a" }, { mode: "x" }, [managed("tazuna", TAZUNA_ALL)]);
    assert.deepEqual(changedFields(live, applied), ["data.mode", "metadata.labels.team"]);
  });

  it("a field another manager took with the same value is one Tazuna would take back", () => {
    const live = object({ team: "a" }, { mode: "x" }, [
      managed("tazuna", { "f:data": { "f:mode": {} } }),
      managed("kubectl-label", { "f:metadata": { "f:labels": { "f:team": {} } } }, "Update"),
    ]);
    const applied = object({ team: "a" }, { mode: "x" }, [managed("tazuna", TAZUNA_ALL)]);
    assert.deepEqual(changedFields(live, applied), ["metadata.labels.team"]);
  });

  it("the per-object engine's provider directives going away is no change; a declared pulumi.com annotation changed is", () => {
    const live = object({ team: "a" }, { mode: "x" }, [managed("tazuna", TAZUNA_ALL)]);
    const withDirective = (value: string) => ({
      ...live,
      metadata: { ...live.metadata, annotations: { "pulumi.com/patchForce": value } },
    });
    assert.deepEqual(changedFields(withDirective("true"), live), []);
    assert.deepEqual(changedFields(withDirective("true"), withDirective("false")), [
      'metadata.annotations["pulumi.com/patchForce"]',
    ]);
  });

  it("paths in Pulumi's style: dotted keys quoted, list items indexed", () => {
    assert.equal(
      pathText(["metadata", "labels", "app.kubernetes.io/part-of"]),
      'metadata.labels["app.kubernetes.io/part-of"]',
    );
    assert.equal(pathText(["spec", "containers", 0, "image"]), "spec.containers[0].image");
  });

  it("shows each changed field with its live and new value for pulumi preview; a Secret's masked", () => {
    const live = object({ team: "hand" }, { mode: "edited" }, [managed("tazuna", TAZUNA_ALL)]);
    const applied = object({ team: "a" }, { mode: "x" }, [managed("tazuna", TAZUNA_ALL)]);
    assert.deepEqual(
      fieldChanges(live, applied).map((c) => c.shown),
      ['data.mode: "edited" => "x"', 'metadata.labels.team: "hand" => "a"'],
    );
    const secret = (pw: string) => ({ ...object({}, {}, []), kind: "Secret", data: { pw } });
    const shown = fieldChanges(secret("b2xkLXNlbnRpbmVs"), secret("bmV3LXNlbnRpbmVs")).map((c) => c.shown);
    assert.deepEqual(shown, ["data.pw: [secret]"]);
    const lines = planLines('add-on "x"', {
      inventoryOnly: false,
      changes: [
        { op: "update", object: "core/v1:Secret ns/probe", fields: ["data.pw"], drift: true, shown },
        {
          op: "keep",
          object: "core/v1:ConfigMap ns/kept",
          fields: ["helm.sh/resource-policy: keep"],
          drift: false,
        },
      ],
    });
    assert.deepEqual(lines, [
      'add-on "x":',
      "  ~ core/v1:Secret ns/probe (changed in the cluster)",
      "      data.pw: [secret]",
      "  = core/v1:ConfigMap ns/kept",
      "      helm.sh/resource-policy: keep",
    ]);
    for (const value of ["b2xkLXNlbnRpbmVs", "bmV3LXNlbnRpbmVs", "sentinel"])
      assert.ok(!lines.join("\n").includes(value), "no value of the Secret, encoded or not");
  });
});
