/**
 * Drift under the release engine, without a refresh pass: each release
 * compares its declared objects with the live ones by server-side dry-run.
 * Each way of changing an object by hand (kubectl label --overwrite,
 * kubectl annotate, kubectl edit, another server-side apply manager, a
 * Secret's value, a delete) must show in `tazuna plan` and `tazuna state
 * drift` alike, naming the field (never a Secret's value); apply puts it
 * back (the audit log as witness) and the next plan is empty.
 */
import { strict as assert } from "node:assert";
import { appendFile } from "node:fs/promises";
import * as path from "node:path";
import { execa } from "execa";
import { readAudit, persistedWritesBy } from "../audit";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { DriftSchema, PlanSchema } from "../../src/cli/results";
import { useCluster } from "./cluster-fixture";
import { field, scratchProject, tazunaOnExample } from "./tazuna-fixture";

const SECRET_VALUE = "declared-s3cr3t";
const HAND_VALUE = "hand-s3cr3t";
const PROBE = `
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: drift-probe
  namespace: kube-system
  labels: {team: platform}
  annotations: {owner: platform}
data: {mode: declared, shared: declared}
---
apiVersion: v1
kind: Secret
metadata: {name: drift-secret, namespace: kube-system}
stringData: {token: ${SECRET_VALUE}}
`;
const OBJECT = "core/v1:ConfigMap kube-system/drift-probe";

describe("drift under the release engine (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-release-drift");
  let dir: string;

  const tazuna = tazunaOnExample(cluster, () => dir);
  const kubectl = (args: string[], input?: string, env: Record<string, string> = {}) =>
    execa("kubectl", ["--kubeconfig", cluster().kubeconfig, "--context", cluster().context, ...args], {
      ...(input !== undefined ? { input } : { stdin: "ignore" }),
      env,
    });
  const writes = async (since: string) =>
    persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, since).map(
      (e) => `${e.verb} ${e.objectRef?.resource ?? ""}/${e.objectRef?.name ?? ""}`,
    );

  /** The plan's and state drift's view of one object, both as JSON. */
  async function bothViews(object: string) {
    const plan = await tazuna(["plan", "--detailed-exitcode", "-o", "json"]);
    assert.ok(plan.exitCode === 0 || plan.exitCode === 2, plan.stderr);
    const drift = await tazuna(["state", "drift", "--detailed-exitcode", "-o", "json"]);
    assert.ok(drift.exitCode === 0 || drift.exitCode === 2, drift.stderr);
    const planned = PlanSchema.parse(JSON.parse(plan.stdout)).changes.filter((c) => c.object === object);
    const [type = "", place = ""] = object.split(" ");
    const [namespace, name] = place.split("/");
    const drifted = DriftSchema.parse(JSON.parse(drift.stdout)).drift.filter(
      (d) => d.kind === type.split(":").pop() && d.namespace === namespace && d.name === name,
    );
    return { planned, drifted, text: plan.stdout + plan.stderr + drift.stdout + drift.stderr };
  }

  /** After a hand edit: both name exactly `fields`; apply writes the object back; the next plan is empty. */
  async function seenAndRepaired(object: string, resource: string, fields: string[]) {
    const { planned, drifted } = await bothViews(object);
    assert.equal(planned.length, 1, `the plan lists the object: ${JSON.stringify(planned)}`);
    assert.equal(planned[0]?.op, "update");
    assert.equal(planned[0]?.drift, true, "marked as drift: the declaration did not change");
    assert.deepEqual(planned[0]?.fields, fields);
    assert.equal(drifted.length, 1, `state drift lists it: ${JSON.stringify(drifted)}`);
    assert.equal(drifted[0]?.drift, "changed");
    assert.deepEqual(drifted[0]?.fields, fields, "state drift and plan agree");
    const since = new Date().toISOString();
    const apply = await tazuna(["apply", "--yes"]);
    assert.equal(apply.exitCode, 0, apply.stderr);
    assert.ok((await writes(since)).includes(`patch ${resource}`), "apply wrote it back");
    const after = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(after.exitCode, 0, `the next plan is empty\n${after.stdout}`);
  }

  before(async () => {
    dir = (await scratchProject()).dir;
    await appendFile(path.join(dir, "cni/daemonset.yaml"), PROBE);
    const res = await tazuna(["apply", "--yes"]);
    assert.equal(res.exitCode, 0, res.stderr);
  });

  it("no drift after an apply (the control for every case below)", async () => {
    const { planned, drifted } = await bothViews(OBJECT);
    assert.deepEqual(planned, []);
    assert.deepEqual(drifted, []);
    const plan = await tazuna(["plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 0);
    assert.match(plan.stdout + plan.stderr, /no changes/);
  });

  it("a label overwritten with kubectl label --overwrite", async () => {
    await kubectl([
      "label",
      "--overwrite",
      "configmap",
      "drift-probe",
      "-n",
      "kube-system",
      "team=hand-edited",
    ]);
    await seenAndRepaired(OBJECT, "configmaps/drift-probe", ["metadata.labels.team"]);
    assert.equal(
      await field(cluster().kubectl(), "cm/drift-probe", "kube-system", "{.metadata.labels.team}"),
      "platform",
    );
  });

  it("an annotation with kubectl annotate", async () => {
    await kubectl([
      "annotate",
      "--overwrite",
      "configmap",
      "drift-probe",
      "-n",
      "kube-system",
      "owner=someone",
    ]);
    await seenAndRepaired(OBJECT, "configmaps/drift-probe", ["metadata.annotations.owner"]);
  });

  it("a field changed with kubectl edit (client-side)", async () => {
    // kubectl edit runs $KUBE_EDITOR on a temp file: sed is the hand.
    await kubectl(["edit", "configmap", "drift-probe", "-n", "kube-system"], undefined, {
      KUBE_EDITOR: "sed -i -e 's/mode: declared/mode: edited/'",
    });
    const live = await field(cluster().kubectl(), "cm/drift-probe", "kube-system", "{.data.mode}");
    assert.equal(live, "edited", "the control: the edit happened");
    await seenAndRepaired(OBJECT, "configmaps/drift-probe", ["data.mode"]);
  });

  it("a field taken by another server-side apply manager", async () => {
    const other =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: drift-probe, namespace: kube-system}\ndata: {shared: other}\n";
    await kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=other", "-f", "-"], other);
    const managers = await kubectl([
      "get",
      "cm",
      "drift-probe",
      "-n",
      "kube-system",
      "--show-managed-fields",
      "-o",
      "jsonpath={.metadata.managedFields[*].manager}",
    ]);
    assert.match(managers.stdout, /other/, "the control: another manager owns a field now");
    await seenAndRepaired(OBJECT, "configmaps/drift-probe", ["data.shared"]);
  });

  it("a Secret's value changed by hand: the key is named, no value is printed", async () => {
    const encoded = Buffer.from(HAND_VALUE).toString("base64");
    await kubectl([
      "patch",
      "secret",
      "drift-secret",
      "-n",
      "kube-system",
      "--type",
      "merge",
      "-p",
      `{"data":{"token":"${encoded}"}}`,
    ]);
    const { text } = await bothViews("core/v1:Secret kube-system/drift-secret");
    for (const value of [SECRET_VALUE, HAND_VALUE, encoded, Buffer.from(SECRET_VALUE).toString("base64")])
      assert.ok(!text.includes(value), `no Secret value in plan or drift output (${value})`);
    await seenAndRepaired("core/v1:Secret kube-system/drift-secret", "secrets/drift-secret", ["data.token"]);
  });

  it("an object deleted by hand: created again, reported as deleted by state drift", async () => {
    await kubectl(["delete", "configmap", "drift-probe", "-n", "kube-system"]);
    const { planned, drifted } = await bothViews(OBJECT);
    assert.deepEqual(
      planned.map((p) => [p.op, p.drift]),
      [["create", true]],
    );
    assert.deepEqual(
      drifted.map((d) => d.drift),
      ["deleted"],
    );
    const since = new Date().toISOString();
    assert.equal((await tazuna(["apply", "--yes"])).exitCode, 0);
    assert.ok((await writes(since)).includes("patch configmaps/drift-probe"), "applied again");
  });
});
