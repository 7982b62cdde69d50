/**
 * OpenTelemetry traces of tazuna runs, received by a real collector in the
 * test's network namespace: the spans, their parent links and attributes as
 * the collector decoded them.
 */
import { strict as assert } from "node:assert";
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { freePort } from "../../src/cluster/ports";
import { useCluster } from "./cluster-fixture";
import { useCollector, type ReceivedSpan } from "./collector-fixture";
import { execa } from "execa";
import { PASSPHRASE, fleetOnOneCluster, scratchProject, tazunaOnExample } from "./tazuna-fixture";
import { TAZUNA_BIN as BIN } from "../tazuna";

const ADDONS: Record<string, string[]> = {
  cni: [],
  "cert-manager": ["cni"],
  ingress: ["cni"],
  metrics: ["cni"],
  argocd: ["cert-manager", "ingress"],
};

const one = (spans: ReceivedSpan[], name: string): ReceivedSpan => {
  const found = spans.filter((s) => s.name === name);
  assert.equal(found.length, 1, `one span "${name}" in: ${spans.map((s) => s.name).join(", ")}`);
  return found[0] as ReceivedSpan;
};

/** The spans of the trace whose root is named `root`, the newest such trace. */
function traceOf(spans: ReceivedSpan[], root: string): ReceivedSpan[] {
  const roots = spans.filter((s) => s.name === root && s.parentSpanId === "");
  const last = roots.sort((a, b) => Number(a.startNs - b.startNs)).pop();
  return last ? spans.filter((s) => s.traceId === last.traceId) : [];
}

const complete =
  (root: string, extra: (t: ReceivedSpan[]) => boolean = () => true) =>
  (spans: ReceivedSpan[]) => {
    const t = traceOf(spans, root);
    return t.length > 0 && extra(t);
  };

describe("traces of a run in a real OpenTelemetry collector (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-traces");
  const collector = useCollector();
  let dir: string;
  const tazuna = tazunaOnExample(cluster, () => dir);

  before(async () => {
    dir = (await scratchProject()).dir;
  });

  it("apply --otlp-endpoint: one trace of load, renders, the engine, each add-on's apply and readiness", async () => {
    const res = await tazuna(["apply", "--yes", "--otlp-endpoint", collector().grpc]);
    assert.equal(res.exitCode, 0, res.stderr);
    const spans = traceOf(
      await collector().waitFor(
        complete("tazuna apply", (t) => t.filter((s) => s.name.startsWith("apply ")).length === 5),
      ),
      "tazuna apply",
    );
    const root = one(spans, "tazuna apply");
    assert.equal(root.attributes["tazuna.command"], "apply");
    assert.equal(root.attributes["tazuna.exit_code"], 0);
    assert.equal(root.resource["service.name"], "tazuna");
    assert.equal(one(spans, "load").parentSpanId, root.spanId);
    assert.equal(one(spans, "load").attributes["tazuna.addons"], 5);
    const up = one(spans, "engine up");
    assert.equal(up.parentSpanId, root.spanId, "the engine call is the command's child");
    for (const [addon, deps] of Object.entries(ADDONS)) {
      const render = one(spans, `render ${addon}`);
      assert.equal(render.parentSpanId, up.spanId, `render ${addon} runs inside the engine call`);
      assert.ok(Number(render.attributes["tazuna.objects"]) > 0, `render ${addon} counts its objects`);
      assert.deepEqual(render.attributes["tazuna.addon.depends_on"], deps);
      const apply = one(spans, `apply ${addon}`);
      assert.equal(
        apply.parentSpanId,
        up.spanId,
        `apply ${addon}: the provider's process continues the trace`,
      );
      assert.equal(apply.attributes["tazuna.addon"], addon);
      const children = spans.filter((s) => s.parentSpanId === apply.spanId).map((s) => s.name);
      assert.ok(children.includes("write") && children.includes("ready"), `${addon}: ${children.join(", ")}`);
      const written = spans.find((s) => s.parentSpanId === apply.spanId && s.name === "write");
      assert.ok(Number(written?.attributes["tazuna.objects.written"]) > 0, `${addon} wrote objects`);
      // What waited on what: an add-on's apply starts after each dependency's apply (with its readiness) ended.
      for (const d of deps)
        assert.ok(apply.startNs >= one(spans, `apply ${d}`).endNs, `${addon} started after ${d} was ready`);
    }
    assert.equal(root.statusCode, 0);
  });

  it("OTEL_EXPORTER_OTLP_ENDPOINT (OTLP over HTTP, the standard variables): a plan is traced too", async () => {
    const res = await tazuna(["plan"], { OTEL_EXPORTER_OTLP_ENDPOINT: collector().http });
    assert.equal(res.exitCode, 0, res.stderr);
    const spans = traceOf(await collector().waitFor(complete("tazuna plan")), "tazuna plan");
    const root = one(spans, "tazuna plan");
    assert.equal(root.attributes["tazuna.exit_code"], 0);
    const preview = one(spans, "engine preview");
    assert.equal(preview.parentSpanId, root.spanId);
    assert.equal(spans.filter((s) => s.name.startsWith("render ")).length, 5);
  });

  it("an error is recorded on its span, with the exit code", async () => {
    const broken = path.join(dir, "broken.yaml");
    await writeFile(
      broken,
      "spec:\n  manifests:\n    - name: x\n      type: manifests\n      path: nowhere\n",
    );
    const res = await tazuna(["-f", broken, "plan", "--otlp-endpoint", collector().grpc]);
    assert.equal(res.exitCode, 1, res.stderr);
    const spans = traceOf(
      await collector().waitFor(complete("tazuna plan", (t) => t.some((s) => s.statusCode === 2))),
      "tazuna plan",
    );
    const root = one(spans, "tazuna plan");
    assert.equal(root.statusCode, 2, "the command's span is an error");
    assert.equal(root.attributes["tazuna.exit_code"], 1);
    assert.match(root.statusMessage, /nowhere/);
    assert.ok(
      root.events.some((e) => e.name === "exception"),
      "the exception is recorded",
    );
    assert.equal(one(spans, "load").statusCode, 2, "and on the span where it happened");
  });

  it("nothing is exported without an endpoint; an unreachable collector fails nothing", async () => {
    const before = (await collector().spans()).length;
    const quiet = await tazuna(["plan"]);
    assert.equal(quiet.exitCode, 0, quiet.stderr);
    const closed = await freePort();
    const gone = await tazuna(["plan", "--otlp-endpoint", `127.0.0.1:${closed}`]);
    assert.equal(gone.exitCode, 0, gone.stderr);
    assert.doesNotMatch(gone.stderr, /otlp|opentelemetry|ECONNREFUSED|UNAVAILABLE/i);
    // The positive control: the same plan with the live collector does arrive.
    const traced = await tazuna(["plan", "--otlp-endpoint", collector().grpc]);
    assert.equal(traced.exitCode, 0, traced.stderr);
    const after = await collector().waitFor((s) => s.slice(before).some((x) => x.name === "tazuna plan"));
    const roots = after
      .slice(before)
      .filter((s) => s.parentSpanId === "")
      .map((s) => s.name);
    assert.deepEqual(
      roots,
      ["tazuna plan"],
      `only the traced run's spans arrived: ${after
        .slice(before)
        .map((s) => s.name)
        .join(", ")}`,
    );
  });

  it("--all: a trace per cluster, each linked to the parent's span for that cluster", async () => {
    const fleet = await fleetOnOneCluster(cluster(), ["east", "west"]);
    const res = await execa(BIN, ["-p", fleet, "plan", "--all", "--otlp-endpoint", collector().grpc], {
      reject: false,
      stdin: "ignore",
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
    });
    assert.equal(res.exitCode, 0, res.stderr);
    const all = await collector().waitFor(
      (spans) =>
        spans.filter(
          (s) =>
            s.name === "tazuna plan" && ["east", "west"].includes(String(s.attributes["tazuna.cluster"])),
        ).length >= 2 && spans.some((s) => s.name === "tazuna plan" && s.attributes["tazuna.all"] === true),
    );
    const parent = all.filter((s) => s.name === "tazuna plan" && s.attributes["tazuna.all"] === true).pop();
    assert.ok(parent, "the parent's trace");
    for (const name of ["east", "west"]) {
      const span: ReceivedSpan | undefined = all.find(
        (s) => s.name === `cluster ${name}` && s.parentSpanId === parent.spanId,
      );
      assert.ok(span, `the parent has a span for ${name}`);
      assert.equal(span.traceId, parent.traceId);
      assert.equal(
        span.attributes["tazuna.exit_code"],
        2,
        "changes: each child runs with --detailed-exitcode",
      );
      const child: ReceivedSpan | undefined = all.find(
        (s) => s.name === "tazuna plan" && s.attributes["tazuna.cluster"] === name,
      );
      assert.ok(child, `${name}'s own trace`);
      assert.notEqual(child.traceId, parent.traceId, "one trace per cluster");
      assert.equal(child.parentSpanId, "");
      assert.deepEqual(
        child.links,
        [{ traceId: span.traceId, spanId: span.spanId }],
        "linked to the parent's span",
      );
      assert.ok(
        all.some((s) => s.traceId === child.traceId && s.name === "engine preview"),
        `${name} ran its plan`,
      );
    }
  });
});
