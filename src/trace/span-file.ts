/**
 * Spans written as JSON lines to a file the tazuna command names
 * (TAZUNA_SPAN_FILE), by each process of the run: the command, its program
 * and the engine's provider process. The command reads them back for
 * --report's timeline; no collector is needed.
 */
import { appendFileSync, readFileSync } from "node:fs";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { z } from "zod";
import { fromOwnTazuna } from "../process/pids";

export const SPAN_FILE_ENV = "TAZUNA_SPAN_FILE";

export const RecordedSpanSchema = z.object({
  name: z.string(),
  spanId: z.string(),
  parentId: z.string().optional(),
  /** Milliseconds since the epoch. */
  start: z.number(),
  end: z.number(),
  attributes: z.record(z.string(), z.unknown()),
  error: z.string().optional(),
});
export type RecordedSpan = z.infer<typeof RecordedSpanSchema>;

/** The file this process records spans in: only one its own tazuna command named. */
export function spanFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env[SPAN_FILE_ENV];
  return file && fromOwnTazuna(env) ? file : undefined;
}

const ms = ([s, ns]: [number, number]) => s * 1000 + ns / 1e6;

function recorded(span: ReadableSpan): RecordedSpan {
  const parentId = span.parentSpanContext?.spanId;
  return {
    name: span.name,
    spanId: span.spanContext().spanId,
    ...(parentId ? { parentId } : {}),
    start: ms(span.startTime),
    end: ms(span.endTime),
    attributes: { ...span.attributes },
    // Status code 2 is ERROR; its message was scrubbed of secret values when it was set.
    ...(span.status.code === 2 ? { error: span.status.message ?? "" } : {}),
  };
}

/** Appends each ended span as one line; a line is one write, so processes do not interleave within it. */
export function fileExporter(file: string): SpanExporter {
  return {
    export: (spans, done) => {
      try {
        appendFileSync(file, spans.map((s) => `${JSON.stringify(recorded(s))}\n`).join(""), { mode: 0o600 });
        done({ code: 0 });
      } catch (err) {
        done({ code: 1, error: err as Error });
      }
    },
    shutdown: () => Promise.resolve(),
  };
}

/** What the run's processes recorded; a line cut short by a killed process is skipped. */
export function readSpans(file: string): RecordedSpan[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text.split("\n").flatMap((line) => {
    if (!line) return [];
    try {
      const ok = RecordedSpanSchema.safeParse(JSON.parse(line));
      return ok.success ? [ok.data] : [];
    } catch {
      return [];
    }
  });
}
