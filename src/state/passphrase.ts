/**
 * How secrets in state are encrypted, and the passphrase file: read with
 * what is wrong with it, or created once (tazuna init) where Pulumi reads it.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { TazunaError } from "../errors/tazuna-error";
import { expandHome } from "../kube/kubeconfig";

/** No way to encrypt the state's secrets, or a passphrase file that cannot serve. */
export class SecretsSettingsError extends TazunaError {}

const DEFAULT_PASSPHRASE_FILE = "~/.tazuna-passphrase";

/**
 * The passphrase that encrypts secrets in state: the file that
 * PULUMI_CONFIG_PASSPHRASE_FILE names (else ~/.tazuna-passphrase) is
 * created with a random value, mode 0600, when it does not exist; an
 * existing one is never touched.
 */
export async function ensurePassphraseFile(env = process.env): Promise<{ export?: string; note: string }> {
  if (env.TAZUNA_SECRETS_PROVIDER && env.TAZUNA_SECRETS_PROVIDER !== "passphrase")
    return {
      note: `Secrets in state: encrypted by ${env.TAZUNA_SECRETS_PROVIDER} (TAZUNA_SECRETS_PROVIDER).`,
    };
  if (env.PULUMI_CONFIG_PASSPHRASE && !env.PULUMI_CONFIG_PASSPHRASE_FILE)
    return { note: "Secrets in state: encrypted with PULUMI_CONFIG_PASSPHRASE, as set in this shell." };
  const shown = env.PULUMI_CONFIG_PASSPHRASE_FILE ?? DEFAULT_PASSPHRASE_FILE;
  const file = expandHome(shown);
  const exportLine = env.PULUMI_CONFIG_PASSPHRASE_FILE
    ? undefined
    : `export PULUMI_CONFIG_PASSPHRASE_FILE=${shown}`;
  try {
    // "wx": never overwrite, never follow a planted link; 0600 from the start.
    const handle = await open(file, "wx", 0o600);
    await handle.writeFile(`${randomBytes(32).toString("base64")}\n`);
    await handle.close();
    return {
      ...(exportLine ? { export: exportLine } : {}),
      note: `Created ${shown} (mode 0600) with a random passphrase: it encrypts the secrets in state. Keep a copy somewhere safe (a password manager); without it those secrets cannot be read.`,
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return {
      ...(exportLine ? { export: exportLine } : {}),
      note: `Kept the existing ${shown}: its passphrase encrypts the secrets in state.`,
    };
  }
}

/**
 * How secrets in state are encrypted: a cloud KMS when $TAZUNA_SECRETS_PROVIDER
 * names one, else a passphrase that must be given (an empty one is never used
 * silently).
 */
export type SecretsSource =
  | { kind: "kms"; url: string }
  | { kind: "passphrase"; value: string }
  | { kind: "passphrase file"; file: string };

/** Where the encryption of secrets comes from, in this order; undefined when nowhere. */
export function secretsSource(env = process.env): SecretsSource | undefined {
  const kms = env.TAZUNA_SECRETS_PROVIDER;
  if (kms && kms !== "passphrase") return { kind: "kms", url: kms };
  const direct = env.PULUMI_CONFIG_PASSPHRASE;
  if (direct) return { kind: "passphrase", value: direct };
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file) return { kind: "passphrase file", file };
  return undefined;
}

export const SECRETS_FIX =
  "export PULUMI_CONFIG_PASSPHRASE_FILE=<file> (or PULUMI_CONFIG_PASSPHRASE, or TAZUNA_SECRETS_PROVIDER=awskms://..., a cloud KMS)";

/** A passphrase file's content, or what is wrong with it and how to fix that. */
export function readPassphraseFile(file: string): { value: string } | { problem: string; fix: string } {
  const create = `create it with a random passphrase: (umask 077; openssl rand -base64 32 > ${file}); tazuna init does this`;
  let value: string;
  try {
    value = readFileSync(expandHome(file), "utf8").trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      return { problem: `PULUMI_CONFIG_PASSPHRASE_FILE names ${file}, which does not exist`, fix: create };
    return {
      problem: `PULUMI_CONFIG_PASSPHRASE_FILE names ${file}, which cannot be read (${code ?? String(err)})`,
      fix: `make it readable by this user only: chmod 600 ${file}`,
    };
  }
  if (!value) return { problem: `PULUMI_CONFIG_PASSPHRASE_FILE names ${file}, which is empty`, fix: create };
  return { value };
}

/** What the engine gets to encrypt secrets in state. */
export async function secrets(): Promise<{ secretsProvider: string } | { passphrase: string }> {
  const source = secretsSource();
  if (!source) throw new SecretsSettingsError(`no passphrase for the state's secrets\n  fix: ${SECRETS_FIX}`);
  if (source.kind === "kms") return { secretsProvider: source.url };
  if (source.kind === "passphrase") return { passphrase: source.value };
  const read = readPassphraseFile(source.file);
  if ("problem" in read) throw new SecretsSettingsError(`${read.problem}\n  fix: ${read.fix}`);
  return { passphrase: read.value };
}
