/**
 * Tazuna's spans in the processes the engine starts: the program (renders)
 * and the dynamic-provider process (applies, waits, tests). Each continues
 * the trace of the run that started it (tracing.ts).
 */
import {
  NOOP,
  TRACE_PARENT_ENV,
  continueTracing,
  endTracing,
  tracingWanted,
  flushTraces,
  inSpan,
  startRootSpan,
  startTracing,
  tracingOn,
  withTraceparent,
  type Attributes,
  type SpanHandle,
} from "./tracing";
import { engineRootIds, engineTraceparent } from "./engine-trace";

export { inSpan };
export type { SpanHandle };

/** `add-on "cert-manager"` or `test "argocd-up"`: the kind and the name, as attributes. */
export function labelAttributes(label: string): Attributes {
  const m = /^(add-on|test) "(.*)"$/.exec(label);
  if (!m) return { "tazuna.label": label };
  return m[1] === "test" ? { "tazuna.test": m[2] } : { "tazuna.addon": m[2] };
}

/** Starts tracing in an engine-started process, continuing the tazuna run's trace or, under `pulumi up`, the engine's. */
export function traceEngineChild(): boolean {
  if (!tracingWanted()) return false;
  const parent = process.env[TRACE_PARENT_ENV] ?? engineTraceparent();
  if (parent) process.env[TRACE_PARENT_ENV] = parent;
  return continueTracing("tazuna");
}

/**
 * One provider operation in its own span, sent before the operation returns:
 * the engine may stop the provider's process as soon as it has the answer.
 */
export async function inProviderSpan<T>(
  op: string,
  label: string,
  fn: (span: SpanHandle) => Promise<T>,
): Promise<T> {
  if (!traceEngineChild()) return fn(NOOP);
  const attributes = labelAttributes(label);
  const name = `${op} ${String(attributes["tazuna.addon"] ?? attributes["tazuna.test"] ?? label)}`;
  try {
    return await inSpan(name, { ...attributes, "tazuna.operation": op }, fn);
  } finally {
    await flushTraces();
  }
}

/**
 * The program's run: inside the tazuna command's process (the built-in
 * program) or a process the command's engine started, its spans join the
 * engine span; under a plain `pulumi up` it starts the engine's trace with
 * a root span of its own (`name`, e.g. "pulumi up dev").
 */
export async function tracedProgram<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  if (!tracingWanted()) return fn();
  if (tracingOn()) return withTraceparent(process.env[TRACE_PARENT_ENV], fn);
  if (process.env[TRACE_PARENT_ENV]) {
    continueTracing("tazuna");
    try {
      return await fn();
    } finally {
      await flushTraces();
    }
  }
  startTracing("tazuna", undefined, undefined, engineRootIds());
  startRootSpan(name, attributes);
  try {
    const result = await fn();
    await endTracing(0);
    return result;
  } catch (err) {
    await endTracing(1, err);
    throw err;
  }
}
