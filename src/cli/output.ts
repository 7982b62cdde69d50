/** Where output goes and whether it is colored: results to stdout, logs to stderr, color only on a terminal. */
import type { WriteStream } from "node:tty";
import { createColors } from "picocolors";
import { scrub } from "../secrets/scrub";

/** NO_COLOR (any non-empty value) wins; FORCE_COLOR forces; otherwise only a terminal gets color. */
export function colorEnabled(stream: { isTTY?: boolean }, env = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

export const paint = createColors(colorEnabled(process.stderr as WriteStream));

export const log = (line: string): void => void process.stderr.write(`${scrub(line)}\n`);
export const print = (text: string): void => void process.stdout.write(`${text}\n`);
