/**
 * An OpenTelemetry collector (built by scripts/tools.sh otelcol: the OTLP
 * receivers over gRPC and HTTP, and the file exporter) on the loopback of
 * the test's network namespace. What it received is read back from its
 * file, span by span, with parent links and attributes as the collector
 * decoded them.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa, type ResultPromise } from "execa";
import { z } from "zod";
import { freePort } from "../../src/cluster/ports";
import { waitForAnswer } from "./answers";

const AnyValueSchema: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    intValue: z.union([z.string(), z.number()]).optional(),
    boolValue: z.boolean().optional(),
    arrayValue: z.object({ values: z.array(AnyValueSchema).optional() }).optional(),
  }),
);
interface AnyValue {
  stringValue?: string | undefined;
  intValue?: string | number | undefined;
  boolValue?: boolean | undefined;
  arrayValue?: { values?: AnyValue[] | undefined } | undefined;
}
const KeyValuesSchema = z.array(z.object({ key: z.string(), value: AnyValueSchema })).default([]);
const SpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().default(""),
  name: z.string(),
  startTimeUnixNano: z.string(),
  endTimeUnixNano: z.string(),
  attributes: KeyValuesSchema,
  status: z.object({ code: z.number().optional(), message: z.string().optional() }).default({}),
  events: z.array(z.object({ name: z.string(), attributes: KeyValuesSchema })).default([]),
  links: z.array(z.object({ traceId: z.string(), spanId: z.string() })).default([]),
});
const BatchSchema = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: KeyValuesSchema }).default({ attributes: [] }),
      scopeSpans: z.array(z.object({ spans: z.array(SpanSchema).default([]) })).default([]),
    }),
  ),
});

type Plain = string | number | boolean | Plain[];
const plain = (v: AnyValue): Plain =>
  v.stringValue ??
  (v.intValue !== undefined ? Number(v.intValue) : undefined) ??
  v.boolValue ??
  (v.arrayValue?.values ?? []).map(plain);
const asRecord = (kvs: z.infer<typeof KeyValuesSchema>) =>
  Object.fromEntries(kvs.map((kv) => [kv.key, plain(kv.value)]));

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, Plain>;
  resource: Record<string, Plain>;
  /** 2: error (OTLP's STATUS_CODE_ERROR). */
  statusCode: number;
  statusMessage: string;
  events: { name: string; attributes: Record<string, Plain> }[];
  links: { traceId: string; spanId: string }[];
}

export interface Collector {
  /** host:port of the OTLP/gRPC receiver, as --otlp-endpoint takes it. */
  grpc: string;
  /** http://host:port of the OTLP/HTTP receiver, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  http: string;
  spans(): Promise<ReceivedSpan[]>;
  /** Until `until` holds for what arrived (the file exporter writes each batch as it comes). */
  waitFor(until: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
}

export function useCollector(): () => Collector {
  let proc: ResultPromise | undefined;
  let collector: Collector | undefined;
  before(async function () {
    this.timeout(60_000);
    if (process.env.TAZUNA_IN_NETNS !== "1")
      throw new Error("collector tests must run inside scripts/in-netns.sh");
    const dir = await mkdtemp(path.join(tmpdir(), "tazuna-otelcol-"));
    const [grpc, http] = [await freePort(), await freePort()];
    const file = path.join(dir, "spans.jsonl");
    const config = path.join(dir, "config.yaml");
    await writeFile(
      config,
      [
        "receivers:",
        "  otlp:",
        "    protocols:",
        `      grpc: {endpoint: "127.0.0.1:${grpc}"}`,
        `      http: {endpoint: "127.0.0.1:${http}"}`,
        "exporters:",
        `  file: {path: "${file}", flush_interval: 100ms}`,
        "service:",
        "  telemetry: {metrics: {level: none}, logs: {level: warn}}",
        "  pipelines:",
        "    traces: {receivers: [otlp], exporters: [file]}",
        "",
      ].join("\n"),
    );
    await writeFile(file, "");
    proc = execa("otelcol", ["--config", `file:${config}`], { reject: false, stdio: "ignore" });
    const spans = async (): Promise<ReceivedSpan[]> =>
      (await readFile(file, "utf8"))
        .split("\n")
        .filter(Boolean)
        .flatMap((line) =>
          BatchSchema.parse(JSON.parse(line)).resourceSpans.flatMap((rs) =>
            rs.scopeSpans.flatMap((ss) =>
              ss.spans.map((s) => ({
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId,
                name: s.name,
                startNs: BigInt(s.startTimeUnixNano),
                endNs: BigInt(s.endTimeUnixNano),
                attributes: asRecord(s.attributes),
                resource: asRecord(rs.resource.attributes),
                statusCode: s.status.code ?? 0,
                statusMessage: s.status.message ?? "",
                events: s.events.map((e) => ({ name: e.name, attributes: asRecord(e.attributes) })),
                links: s.links,
              })),
            ),
          ),
        );
    collector = {
      grpc: `127.0.0.1:${grpc}`,
      http: `http://127.0.0.1:${http}`,
      spans,
      waitFor: async (until, timeoutMs = 15_000) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const now = await spans();
          if (until(now)) return now;
          if (Date.now() > deadline) return now;
          await new Promise((r) => setTimeout(r, 200));
        }
      },
    };
    // The OTLP/HTTP receiver answers any request once it listens (405 to a GET).
    await waitForAnswer(`${collector.http}/v1/traces`, 30_000, "the collector");
  });
  after(() => {
    proc?.kill("SIGTERM");
  });
  return () => {
    if (!collector) throw new Error("the collector did not start; see the before-all hook's error");
    return collector;
  };
}
