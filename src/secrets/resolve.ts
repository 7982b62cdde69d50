/**
 * A GenesisSecret resolved at apply time: each `secrets[]` entry fetched
 * from its provider, its `items` picked and renamed (`mapTo`), entries
 * merged in order (later wins), then `static` (wins), as the Go tool does.
 * An entry without `items` takes every field its source holds.
 */
import type { GenesisSecret } from "../config/genesis-secret";
import { DEFAULT_OP } from "../config/genesis-secret";
import type { Provider } from "../config/schema";
import {
  SecretReferenceError,
  dotenvFields,
  envFields,
  fileFields,
  opFields,
  sopsFields,
  type Fields,
} from "./sources";
import { readFile } from "node:fs/promises";
import * as path from "node:path";

export interface ResolveContext {
  /** For messages: the add-on and its GenesisSecret file. */
  addon: string;
  file: string;
  providers: readonly Provider[];
  /** The root tazuna.yaml's folder: relative source paths start here. */
  baseDir: string;
}

type Entry = NonNullable<GenesisSecret["secrets"]>[number];

/** The part of a URI after its scheme (file://x, sops://x, env://, op://host/vault/item). */
const afterScheme = (uri: string) => uri.replace(/^[a-z]+:\/\//, "");

async function fetchEntry(e: Entry, provider: Provider | undefined, reference: string, ctx: ResolveContext) {
  if (!provider) {
    const [, vault = "", item = ""] = afterScheme(e.uri).split("/");
    return opFields(vault, item, e.preferLabel ?? true, reference);
  }
  switch (provider.type) {
    case "env":
      return envFields();
    case "envfile": {
      const file = path.resolve(ctx.baseDir, provider.envfile?.path ?? "");
      return dotenvFields(await readFile(file, "utf8").catch(() => missingFile(file, reference)), file);
    }
    case "file":
      return fileFields(afterScheme(e.uri), ctx.baseDir, reference);
    case "sops":
      return sopsFields(afterScheme(e.uri), ctx.baseDir, reference);
    case "onepassword":
      // Refused by check, as in the Go tool; kept here so the switch is whole.
      throw new SecretReferenceError(reference, "type onepassword is refused", "leave provider empty");
  }
}

function missingFile(file: string, reference: string): never {
  throw new SecretReferenceError(reference, `file ${file} cannot be read`, "create it, or fix envfile.path");
}

/** The values of a GenesisSecret, by key. Throws SecretReferenceError naming the add-on, file, key and reference. */
export async function resolveGenesisSecret(spec: GenesisSecret, ctx: ResolveContext): Promise<Fields> {
  const name = spec.provider || DEFAULT_OP;
  const provider = name === DEFAULT_OP ? undefined : ctx.providers.find((p) => p.name === name);
  const out: Fields = {};
  for (const [i, e] of (spec.secrets ?? []).entries()) {
    const shown = provider ? `provider ${name}` : "1Password, through op";
    const reference = `add-on "${ctx.addon}": ${ctx.file}: spec.secrets[${i}] (${e.uri}, ${shown})`;
    const fields = await fetchEntry(e, provider, reference, ctx);
    const items = e.items ?? Object.fromEntries(Object.keys(fields).map((k) => [k, { mapTo: k }]));
    for (const [key, { mapTo }] of Object.entries(items)) {
      const value = fields[key];
      // An empty variable is unset: an empty secret is a mistake, not a value.
      if (value === undefined || (provider?.type === "env" && value === ""))
        throw new SecretReferenceError(
          `${reference}, key ${key}`,
          provider?.type === "env"
            ? `environment variable ${key} is not set`
            : `the source has no key ${key}`,
          provider?.type === "env"
            ? `export ${key} before running`
            : `add ${key} to the source, or fix items`,
        );
      out[mapTo] = value;
    }
  }
  return { ...out, ...(spec.static ?? {}) };
}
