/**
 * Where secret values are read from, one function per kind of provider. Each
 * returns the fields of one source (a `secrets[]` entry of a GenesisSecret)
 * as a map; the caller picks the items. Values are never logged or put in
 * an error message: a failure names the reference and the key, not what it
 * holds.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { parse as parseDotenv } from "dotenv";
import { parse as parseYaml } from "yaml";
import { execa } from "../process/exec";
import type { VarReference } from "../config/schema";
import { rememberSecret } from "../process/scrub";
import { TazunaError } from "../errors/tazuna-error";

/** A reference that cannot be resolved: what and where, never a value. */
export class SecretReferenceError extends TazunaError {
  constructor(
    readonly reference: string,
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`${reference}: ${reason}\n  fix: ${fix}`);
  }
}

export type Fields = Record<string, string>;

/** How long a secret store's CLI may take (sops, op). */
const TOOL_TIMEOUT_MS = 60_000;

/**
 * A dotenv file as the Go tool reads it: KEY=VALUE lines, blank and # lines
 * skipped, one pair of quotes stripped; a line without = is an error.
 */
export function dotenvFields(text: string, source: string): Fields {
  text.split("\n").forEach((line, i) => {
    const l = line.trim();
    if (l && !l.startsWith("#") && !l.includes("="))
      throw new SecretReferenceError(
        `${source}:${i + 1}`,
        "a line without =",
        "write KEY=VALUE on each line (# starts a comment)",
      );
  });
  return parseDotenv(text);
}

/** A flat map of strings from YAML or JSON (what file and sops sources hold). */
function mapFields(text: string, source: string): Fields {
  const data = /\.env$/.test(source) ? dotenvFields(text, source) : yamlOf(text, source);
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new SecretReferenceError(source, "is not a map of keys to values", "write KEY: value lines");
  return remembered(
    Object.fromEntries(
      Object.entries(data as Record<string, unknown>).map(([k, v]) => [
        k,
        typeof v === "string" ? v : JSON.stringify(v),
      ]),
    ),
  );
}

/** Every value read from a store is a secret from here on: scrubbed from every message. */
function remembered(fields: Fields): Fields {
  for (const v of Object.values(fields)) rememberSecret(v);
  return fields;
}

/** YAML of a secret file: an error names the line, never shows it (it may hold a value). */
function yamlOf(text: string, source: string): unknown {
  try {
    return parseYaml(text);
  } catch (err) {
    const line = (err as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new SecretReferenceError(
      `${source}${line ? `:${line}` : ""}`,
      "is not valid YAML",
      `fix the YAML syntax${line ? ` at line ${line}` : ""} (the line is not shown: it may hold a secret)`,
    );
  }
}

async function readSource(file: string, reference: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch {
    throw new SecretReferenceError(reference, `file ${file} cannot be read`, "create it, or fix the path");
  }
}

/** The caller's environment: every variable is a field. */
export function envFields(): Fields {
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

/** A dotenv, YAML or JSON file in the clear (relative paths from the root tazuna.yaml's folder). */
export async function fileFields(file: string, baseDir: string, reference: string): Promise<Fields> {
  const full = path.resolve(baseDir, file);
  return mapFields(await readSource(full, reference), full);
}

/** A file encrypted with sops, decrypted by the sops binary (keys from SOPS_AGE_KEY_FILE and the like). */
export async function sopsFields(file: string, baseDir: string, reference: string): Promise<Fields> {
  const full = path.resolve(baseDir, file);
  await readSource(full, reference);
  const res = await execa("sops", ["--decrypt", full], { reject: false, timeout: TOOL_TIMEOUT_MS });
  if ((res.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT")
    throw new SecretReferenceError(reference, "sops was not found on PATH", "install sops (tazuna doctor)");
  if (res.exitCode !== 0)
    throw new SecretReferenceError(
      reference,
      `sops could not decrypt ${full}: ${res.timedOut ? "no answer in 60s" : lastLine(res.stderr)}`,
      "check the age key (SOPS_AGE_KEY_FILE) or the KMS access sops needs for this file",
    );
  return mapFields(res.stdout, full.replace(/\.enc(\.\w+)$/, "$1"));
}

/** A 1Password item through the op CLI, keyed by field label (preferLabel) or id. */
export async function opFields(
  vault: string,
  item: string,
  byLabel: boolean,
  reference: string,
): Promise<Fields> {
  const res = await execa("op", ["--format", "json", "item", "get", "--vault", vault, item], {
    reject: false,
    timeout: TOOL_TIMEOUT_MS,
  });
  if ((res.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT")
    throw new SecretReferenceError(
      reference,
      "the 1Password CLI (op) was not found on PATH",
      "install op and sign in (op signin), or set OP_SERVICE_ACCOUNT_TOKEN",
    );
  if (res.exitCode !== 0)
    throw new SecretReferenceError(
      reference,
      `op could not read the item: ${res.timedOut ? "no answer in 60s" : lastLine(res.stderr)}`,
      "sign in to 1Password (op signin) and check the vault and the item",
    );
  const parsed = JSON.parse(res.stdout) as { fields?: { id?: string; label?: string; value?: string }[] };
  return remembered(
    Object.fromEntries(
      (parsed.fields ?? [])
        .map((f) => [byLabel ? f.label : f.id, f.value] as const)
        .filter((e): e is [string, string] => e[0] !== undefined && e[1] !== undefined),
    ),
  );
}

function lastLine(stderr: string): string {
  return stderr.trim().split("\n").pop() ?? "";
}

/**
 * One value from a secret store, as a var names it (helmfile.vars, tazuna:vars):
 * `where` says whose var it is; the error adds the source and the key.
 */
export async function storeValue(
  v: Exclude<VarReference, { from: "env" }>,
  baseDir: string,
  where: string,
): Promise<string> {
  const [ref, fields, key, fix] =
    v.from === "op"
      ? [
          `${where} (op ${v.op.vault}/${v.op.item})`,
          (r: string) => opFields(v.op.vault, v.op.item, v.op.key === "label", r),
          v.op.field,
          `fix op.field or op.key (matched by ${v.op.key})`,
        ]
      : [
          `${where} (sops ${v.sops.file})`,
          (r: string) => sopsFields(v.sops.file, baseDir, r),
          v.sops.key,
          "fix sops.key",
        ];
  const value = (await fields(ref))[key];
  if (value === undefined)
    throw new SecretReferenceError(`${ref}, key ${key}`, `the source has no key ${key}`, fix);
  return value;
}
