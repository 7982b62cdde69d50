/**
 * The command's trace: one per command and cluster. A --all parent's trace
 * has a span per cluster; each cluster's process starts a trace of its own
 * that links to that span (TAZUNA_TRACE_LINK), so a fleet run is one trace
 * to open from the parent and one per cluster to compare.
 */
import {
  TRACE_LINK_ENV,
  TRACE_PARENT_ENV,
  startRootSpan,
  startTracing,
  useOtlpFlags,
} from "../trace/tracing";
import { TAZUNA_VERSION } from "../process/version";
import { SPAN_FILE_ENV } from "../trace/span-file";
import type { GlobalOptions } from "./project";

let link: string | undefined;

/** Called first: the link a --all parent gave this process, and nothing inherited from a shell. */
export function takeTraceEnv(env: NodeJS.ProcessEnv = process.env): void {
  link = env[TRACE_LINK_ENV];
  Reflect.deleteProperty(env, TRACE_LINK_ENV);
  Reflect.deleteProperty(env, TRACE_PARENT_ENV);
  Reflect.deleteProperty(env, SPAN_FILE_ENV);
}

export function beginCommandTrace(command: string, opts: GlobalOptions): void {
  useOtlpFlags(opts.otlpEndpoint, opts.otlpInsecure !== false);
  if (!startTracing("tazuna", undefined, TAZUNA_VERSION)) return;
  const single = opts.cluster && !opts.cluster.includes(",") && !opts.all ? opts.cluster : undefined;
  startRootSpan(
    `tazuna ${command}`,
    {
      "tazuna.command": command,
      "tazuna.cluster": single,
      "tazuna.stack": single,
      "tazuna.clusters": !single && opts.cluster ? opts.cluster.split(",") : undefined,
      "tazuna.all": opts.all === true ? true : undefined,
    },
    link,
  );
}
