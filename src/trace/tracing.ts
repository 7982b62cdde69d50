/**
 * OpenTelemetry traces of a run: off unless an OTLP endpoint is given (the
 * Go tool's --otlp-endpoint, or the standard OTEL_EXPORTER_OTLP_* variables),
 * and then the SDK is loaded; --help, check and every run without an
 * endpoint never load it.
 *
 * One run spans three kinds of process: the tazuna command, the program the
 * engine runs (renders) and the engine's dynamic-provider process (applies,
 * waits, tests). The command passes its engine span's context down in
 * TAZUNA_TRACEPARENT, so all three write one trace. Under a plain `pulumi up`
 * nobody sets it: the program and the provider derive the same trace from
 * the engine process they share (engine-trace.ts).
 *
 * A collector that is slow or gone costs a run about half a second at most:
 * every send and flush is capped (sendTimeoutMs), and after one failed export
 * the process stops waiting.
 */
import type * as Api from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { scrub } from "../process/scrub";
import { TraceSettingsError } from "./errors";
import type { RootIds } from "./engine-trace";
import { fileExporter, spanFile } from "./span-file";

/* eslint-disable @typescript-eslint/no-require-imports -- the SDK loads only when tracing is on */
const load = {
  api: () => require("@opentelemetry/api") as typeof Api,
  core: () => require("@opentelemetry/core") as typeof import("@opentelemetry/core"),
  sdk: () => require("@opentelemetry/sdk-trace-base") as typeof import("@opentelemetry/sdk-trace-base"),
  resources: () => require("@opentelemetry/resources") as typeof import("@opentelemetry/resources"),
  contextManager: () =>
    require("@opentelemetry/context-async-hooks") as typeof import("@opentelemetry/context-async-hooks"),
  grpc: () =>
    require("@opentelemetry/exporter-trace-otlp-grpc") as typeof import("@opentelemetry/exporter-trace-otlp-grpc"),
  json: () =>
    require("@opentelemetry/exporter-trace-otlp-http") as typeof import("@opentelemetry/exporter-trace-otlp-http"),
  proto: () =>
    require("@opentelemetry/exporter-trace-otlp-proto") as typeof import("@opentelemetry/exporter-trace-otlp-proto"),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** W3C traceparent of the span the engine's processes continue. */
export const TRACE_PARENT_ENV = "TAZUNA_TRACEPARENT";
/** W3C traceparent a --all child links its own trace to (the parent's span for that cluster). */
export const TRACE_LINK_ENV = "TAZUNA_TRACE_LINK";
/**
 * How long one send may take, and so the longest a run waits for a silent
 * collector at its end (the send and the wait overlap). OTEL_EXPORTER_OTLP_TIMEOUT
 * (or its TRACES_ form) sets another.
 */
export function sendTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT);
  return Number.isFinite(asked) && asked > 0 ? asked : 500;
}

type Value = string | number | boolean | string[];
export type Attributes = Record<string, Value | undefined>;

/** What code inside a span can do with it. */
export interface SpanHandle {
  set(attributes: Attributes): void;
  /** The W3C traceparent of this span, for a process that continues it. */
  traceparent(): string | undefined;
}

/** The handle code gets when no span is recorded. */
export const NOOP: SpanHandle = { set: () => undefined, traceparent: () => undefined };

interface Active {
  api: typeof Api;
  tracer: Api.Tracer;
  /** The parent of spans started outside any other. */
  root: Api.Context;
  rootSpan?: Api.Span;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let active: Active | undefined;

const PROTOCOLS = ["grpc", "http/protobuf", "http/json"] as const;
type Protocol = (typeof PROTOCOLS)[number];

/** Where spans go, from the standard variables; undefined: tracing is off. */
export function exportingFrom(env: NodeJS.ProcessEnv = process.env): { protocol: Protocol } | undefined {
  if (env.OTEL_SDK_DISABLED === "true" || env.OTEL_TRACES_EXPORTER === "none") return undefined;
  if (!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT && !env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const asked = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || "http/protobuf";
  const protocol = PROTOCOLS.find((p) => p === asked);
  if (!protocol)
    throw new TraceSettingsError(
      `OTEL_EXPORTER_OTLP_PROTOCOL is "${asked}"`,
      `set it to one of ${PROTOCOLS.join(", ")}, or unset it (http/protobuf)`,
    );
  return { protocol };
}

/**
 * The Go tool's flags, as the standard variables, so the engine's processes
 * and --all's children inherit them: OTLP over gRPC to host:port, plaintext
 * unless --otlp-insecure=false.
 */
export function useOtlpFlags(endpoint: string | undefined, insecure: boolean, env = process.env): void {
  if (!endpoint) return;
  if (/\s/.test(endpoint))
    throw new TraceSettingsError(
      `--otlp-endpoint "${endpoint}"`,
      "give host:port, e.g. --otlp-endpoint localhost:4317",
    );
  const url = /^[a-z]+:\/\//.test(endpoint) ? endpoint : `${insecure ? "http" : "https"}://${endpoint}`;
  env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = url;
  env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = "grpc";
}

function exporterFor(protocol: Protocol): SpanExporter {
  // The exporters read the endpoint, headers and timeout from the OTEL_* variables themselves.
  if (protocol === "grpc") {
    const { OTLPTraceExporter } = load.grpc();
    return new OTLPTraceExporter({ timeoutMillis: sendTimeoutMs() });
  }
  if (protocol === "http/json") {
    const { OTLPTraceExporter } = load.json();
    return new OTLPTraceExporter({ timeoutMillis: sendTimeoutMs() });
  }
  const { OTLPTraceExporter } = load.proto();
  return new OTLPTraceExporter({ timeoutMillis: sendTimeoutMs() });
}

/** The first span started gets these ids (the root of a `pulumi up`'s trace, engine-trace.ts); the rest are random. */
function firstIds(ids: RootIds, random: { generateTraceId(): string; generateSpanId(): string }) {
  let traceId: string | undefined = ids.traceId;
  let spanId: string | undefined = ids.spanId;
  return {
    generateTraceId: () => {
      const id = traceId ?? random.generateTraceId();
      traceId = undefined;
      return id;
    },
    generateSpanId: () => {
      const id = spanId ?? random.generateSpanId();
      spanId = undefined;
      return id;
    },
  };
}

/** The OTLP exporter, telling `onFailure` when an export fails (the collector is not waited for again). */
function watchedExporter(protocol: Protocol, onFailure: () => void): SpanExporter {
  const exporter = exporterFor(protocol);
  return {
    export: (spans, done) =>
      exporter.export(spans, (result) => {
        if (result.code !== 0) onFailure();
        done(result);
      }),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

/** Whether this process records spans: an OTLP endpoint is set, or its tazuna command asked for a report. */
export const tracingWanted = (): boolean => exportingFrom() !== undefined || spanFile() !== undefined;

/** The context a W3C traceparent names, as a parent or a link. */
function contextOf(api: typeof Api, traceparent: string): Api.Context {
  const { W3CTraceContextPropagator } = load.core();
  return new W3CTraceContextPropagator().extract(api.ROOT_CONTEXT, { traceparent }, api.defaultTextMapGetter);
}

/** Resolves after `ms` without holding the process open. */
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Starts tracing in this process if an endpoint is set. `service` is
 * service.name unless OTEL_SERVICE_NAME says otherwise; `parent` is a W3C
 * traceparent to continue (else spans start a new trace).
 */
export function startTracing(
  service: string,
  parent?: string,
  version = "0.0.0",
  rootIds?: RootIds,
): boolean {
  if (active) return true;
  const exporting = exportingFrom();
  const file = spanFile();
  if (!exporting && !file) return false;
  const api = load.api();
  const sdk = load.sdk();
  const resources = load.resources();
  const { AsyncLocalStorageContextManager } = load.contextManager();
  let dead = false;
  const processors = [];
  if (file) processors.push(new sdk.SimpleSpanProcessor(fileExporter(file)));
  if (exporting)
    processors.push(
      new sdk.BatchSpanProcessor(
        watchedExporter(exporting.protocol, () => (dead = true)),
        { scheduledDelayMillis: 500 },
      ),
    );
  const provider = new sdk.BasicTracerProvider({
    ...(rootIds ? { idGenerator: firstIds(rootIds, new sdk.RandomIdGenerator()) } : {}),
    resource: resources
      .resourceFromAttributes({ "service.name": service, "service.version": version })
      .merge(resources.detectResources({ detectors: [resources.envDetector] })),
    spanProcessors: processors,
  });
  // Pulumi's run harness may have set its own context manager; either keeps parents across awaits.
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const root = parent ? contextOf(api, parent) : api.ROOT_CONTEXT;
  // A dead collector is not waited for again, but the work still runs (a shutdown must close the exporter).
  const capped = async (work: () => Promise<unknown>) => {
    const done = work().catch(() => undefined);
    if (!dead) await Promise.race([done, pause(sendTimeoutMs())]);
  };
  active = {
    api,
    tracer: provider.getTracer("tazuna", version),
    root,
    flush: () => capped(() => provider.forceFlush()),
    shutdown: () => capped(() => provider.shutdown()),
  };
  return true;
}

/** Starts tracing from an inherited traceparent, if this process was started inside a traced run. */
export function continueTracing(service: string, version?: string): boolean {
  return startTracing(service, process.env[TRACE_PARENT_ENV], version);
}

export const tracingOn = (): boolean => active !== undefined;

function handleOf(a: Active, span: Api.Span): SpanHandle {
  return {
    set: (attributes) => span.setAttributes(defined(attributes)),
    traceparent: () => traceparentOf(a, span),
  };
}

function traceparentOf(a: Active, span: Api.Span): string {
  const carrier: Record<string, string> = {};
  const { W3CTraceContextPropagator } = load.core();
  new W3CTraceContextPropagator().inject(
    a.api.trace.setSpan(a.api.ROOT_CONTEXT, span),
    carrier,
    a.api.defaultTextMapSetter,
  );
  return carrier.traceparent ?? "";
}

const defined = (attributes: Attributes): Api.Attributes =>
  Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as Api.Attributes;

function parentOf(a: Active): Api.Context {
  const current = a.api.context.active();
  return a.api.trace.getSpan(current) ? current : a.root;
}

function recordError(a: Active, span: Api.Span, err: unknown): void {
  const message = scrub(err instanceof Error ? err.message : String(err));
  span.recordException({ name: err instanceof Error ? err.name : "Error", message });
  span.setStatus({ code: a.api.SpanStatusCode.ERROR, message });
}

/** Runs `fn` in a span named `name`; an error is recorded on it (secret values scrubbed) and thrown on. */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: SpanHandle) => Promise<T>,
): Promise<T> {
  const a = active;
  if (!a) return fn(NOOP);
  const parent = parentOf(a);
  const span = a.tracer.startSpan(name, { attributes: defined(attributes) }, parent);
  try {
    return await a.api.context.with(a.api.trace.setSpan(parent, span), () => fn(handleOf(a, span)));
  } catch (err) {
    recordError(a, span, err);
    throw err;
  } finally {
    span.end();
  }
}

/**
 * The span of a whole command in this process; the spans started after it
 * are its children. `link`: a traceparent this trace links to (a --all child
 * to its parent's run).
 */
export function startRootSpan(name: string, attributes: Attributes, link?: string): SpanHandle {
  const a = active;
  if (!a) return NOOP;
  const links = [];
  const linked = link ? a.api.trace.getSpanContext(contextOf(a.api, link)) : undefined;
  if (linked) links.push({ context: linked });
  const span = a.tracer.startSpan(name, { attributes: defined(attributes), links }, a.root);
  a.rootSpan = span;
  a.root = a.api.trace.setSpan(a.root, span);
  return handleOf(a, span);
}

/** Ends the command's span with its exit code, then sends what is left (capped). */
export async function endTracing(exitCode: number, err?: unknown): Promise<void> {
  const a = active;
  if (!a) return;
  const span = a.rootSpan;
  if (span) {
    span.setAttribute("tazuna.exit_code", exitCode);
    if (err !== undefined) recordError(a, span, err);
    span.end();
  }
  await a.shutdown();
  active = undefined;
}

/** Runs `fn` with `traceparent` as the parent of the spans it starts (the built-in program, in the command's own process). */
export function withTraceparent<T>(traceparent: string | undefined, fn: () => Promise<T>): Promise<T> {
  const a = active;
  if (!a || !traceparent) return fn();
  return a.api.context.with(contextOf(a.api, traceparent), fn);
}

/** Sends the spans ended so far (capped): the provider's process may be stopped by the engine at any moment after an operation. */
export async function flushTraces(): Promise<void> {
  await active?.flush();
}
