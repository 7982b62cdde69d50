/** Where output goes and whether it is colored: results to stdout, logs to stderr, color only on a terminal. */
import type { WriteStream } from "node:tty";
import { createColors } from "picocolors";
import { scrub } from "../process/scrub";
import { LOG_LEVEL_ENV } from "../process/exec";

/** NO_COLOR (any non-empty value) wins; FORCE_COLOR forces; otherwise only a terminal gets color. */
export function colorEnabled(stream: { isTTY?: boolean }, env = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

export const paint = createColors(colorEnabled(process.stderr as WriteStream));

const LEVELS = ["debug", "info", "warn", "error"] as const;
type Level = (typeof LEVELS)[number];
let level: Level = "info";

/**
 * The Go tool's -l/--log-level. Like it, an unknown level is info (a Go
 * user's script keeps running), but said once. The level reaches the
 * programs tazuna starts (the engine's program logs external commands too).
 */
export function setLogLevel(given: string | undefined): void {
  const wanted = (given ?? "info").toLowerCase();
  const known = (LEVELS as readonly string[]).includes(wanted);
  level = known ? (wanted as Level) : "info";
  process.env[LOG_LEVEL_ENV] = level;
  if (!known) log(`--log-level ${given}: not one of ${LEVELS.join(", ")}; using info`);
}

export const isDebug = (): boolean => level === "debug";

/** Progress and notes: dropped at --log-level warn and error. */
export const log = (line: string): void => {
  if (level === "warn" || level === "error") return;
  process.stderr.write(`${scrub(line)}\n`);
};
export const print = (text: string): void => void process.stdout.write(`${text}\n`);

/** Columns padded to their widest cell, two spaces apart, as kubectl prints tables. */
export function formatTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((c) => (c[i] ?? "").length)));
  return [head, ...rows]
    .map((c) =>
      c
        .map((x, i) => x.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
