/** The passphrase that encrypts secrets in state, created once where Pulumi will read it. */
import { randomBytes } from "node:crypto";
import { open } from "node:fs/promises";
import { expandHome } from "../kube/kubeconfig";

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
