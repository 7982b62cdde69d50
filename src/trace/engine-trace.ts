/**
 * The trace of a plain `pulumi up`: the program and the dynamic-provider
 * process are both started by one engine process and share nothing else, so
 * each derives the same trace and root span id from that process (its pid
 * and start time, which no other process has at the same moment). The
 * program emits the root span with those ids; the provider's spans are its
 * children.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

interface Proc {
  comm: string;
  parent: number;
  started: string;
}

function proc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm is in parentheses and may hold spaces; the fields after it are plain.
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    return {
      comm: stat.slice(stat.indexOf("(") + 1, close),
      parent: Number(fields[1]),
      started: fields[19] ?? "",
    };
  } catch {
    return undefined;
  }
}

/** The nearest ancestor that is the pulumi CLI: its pid and start time. */
function engineProcess(): string | undefined {
  let pid = process.ppid;
  for (let hops = 0; hops < 8 && pid > 1; hops++) {
    const p = proc(pid);
    if (!p) return undefined;
    if (p.comm === "pulumi") return `${pid}:${p.started}`;
    pid = p.parent;
  }
  return undefined;
}

export interface RootIds {
  traceId: string;
  spanId: string;
}

/** The trace and root span ids of the engine run this process belongs to, if it was started by one. */
export function engineRootIds(): RootIds | undefined {
  const engine = engineProcess();
  if (!engine) return undefined;
  const hex = createHash("sha256").update(`tazuna-trace:${engine}`).digest("hex");
  return { traceId: hex.slice(0, 32), spanId: hex.slice(32, 48) };
}

/** The same, as the traceparent a provider's spans continue. */
export function engineTraceparent(): string | undefined {
  const ids = engineRootIds();
  return ids ? `00-${ids.traceId}-${ids.spanId}-01` : undefined;
}
