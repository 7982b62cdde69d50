/**
 * Every secret value this process resolved, so no message can carry one:
 * errors, log lines and render tools' command lines pass through scrub()
 * before they are printed. The values live only in this process's memory.
 */
const known = new Set<string>();

/** Shorter values would scrub ordinary words; a secret that short is guessable anyway. */
const MIN_LENGTH = 4;

const add = (v: string) => {
  if (v.length >= MIN_LENGTH) known.add(v);
};

/** Remembers a resolved secret: the value, each of its lines, and its base64, as tools print them. */
export function rememberSecret(value: string): void {
  add(value);
  add(value.trim());
  for (const line of value.split(/\r?\n/)) add(line.trim());
  add(Buffer.from(value).toString("base64"));
  add(JSON.stringify(value).slice(1, -1));
}

export const SCRUBBED = "[secret]";

/** The text with every remembered value replaced, longest first (a value may contain another). */
export function scrub(text: string): string {
  if (known.size === 0) return text;
  let out = text;
  for (const v of [...known].sort((a, b) => b.length - a.length)) out = out.split(v).join(SCRUBBED);
  return out;
}

/** For tests: forget every value. */
export function forgetSecrets(): void {
  known.clear();
}
