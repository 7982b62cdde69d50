/**
 * Live Secrets exported in bulk, as the Go tool's secret-to-genesissecret:
 * the Secrets of a namespace (a label selector, a name pattern), each into a
 * store (a sops-encrypted file, or a 1Password item through the op CLI) and
 * a GenesisSecret file that reads it back at apply time. Values go from
 * kubectl straight to sops or op on stdin: never to disk in the clear,
 * never to the terminal, never into a message.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { RE2JS } from "re2js";
import { stringify } from "yaml";
import { z } from "zod";
import { execa } from "../process/exec";
import { kubectl, type ClusterAccess } from "../kube/kubectl";
import { rememberSecret } from "../process/scrub";
import { ExportError } from "./export-error";

const LiveSecretSchema = z.object({
  type: z.string().optional(),
  metadata: z.object({ name: z.string(), labels: z.record(z.string(), z.string()).optional() }),
  data: z.record(z.string(), z.string()).optional(),
});
export type LiveSecret = z.infer<typeof LiveSecretSchema>;

export { ExportError };

/** The label the Go tool puts on the Secrets its GenesisSecrets write. */
export const MANAGED_BY = { "tazuna.pepabo.com/managed-by": "tazuna" };

export interface Selection {
  namespace: string;
  labelSelector?: string;
  nameRegex?: string;
}

/** The Secrets to export: helm's and service-account tokens are the cluster's own, never exported. */
export async function listSecrets(cluster: ClusterAccess, s: Selection): Promise<LiveSecret[]> {
  const args = ["get", "secrets", "-n", s.namespace, "-o", "json"];
  if (s.labelSelector) args.push("-l", s.labelSelector);
  const list = z.object({ items: z.array(LiveSecretSchema) }).parse(JSON.parse(await kubectl(cluster, args)));
  let pattern: RE2JS | undefined;
  try {
    // Go's regexp.MatchString, as the Go tool applies it: a match anywhere in the name.
    pattern = s.nameRegex ? RE2JS.compile(s.nameRegex) : undefined;
  } catch (err) {
    throw new ExportError(`--name-regex ${s.nameRegex}: ${(err as Error).message}`, "give an RE2 pattern");
  }
  const own = new Set(["kubernetes.io/service-account-token", "helm.sh/release.v1"]);
  return list.items.filter(
    (x) => !own.has(x.type ?? "") && (pattern === undefined || pattern.matcher(x.metadata.name).find()),
  );
}

const valuesOf = (x: LiveSecret): Record<string, string> =>
  Object.fromEntries(
    Object.entries(x.data ?? {}).map(([k, v]) => {
      const value = Buffer.from(v, "base64").toString("utf8");
      rememberSecret(value);
      return [k, value];
    }),
  );

/** Where the values go, and the GenesisSecret's `secrets:` entry that reads them back. */
export interface Store {
  /** Writes the values (or, in a dry run, says what it would); returns the entry, or undefined when skipped. */
  put: (x: LiveSecret, values: Record<string, string>, dryRun: boolean) => Promise<StoreResult>;
}

export interface StoreResult {
  entry: Record<string, unknown>;
  /** What happened, for the log (never a value). */
  note: string;
}

const identity = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, { mapTo: k }]));

/** A sops-encrypted file per Secret, `<dump-dir>/<name>.sops.yaml`, encrypted from stdin. */
export function sopsStore(dumpDir: string, projectDir: string, age?: string): Store {
  return {
    put: async (x, values, dryRun) => {
      const file = path.join(dumpDir, `${x.metadata.name}.sops.yaml`);
      const entry = {
        uri: `sops://${path.relative(projectDir, file)}`,
        items: identity(Object.keys(values).sort()),
      };
      if (dryRun) return { entry, note: `would encrypt to ${file}` };
      if (existsSync(file))
        throw new ExportError(`${file} exists`, "move it away, or pass another --dump-dir");
      const res = await execa(
        "sops",
        ["encrypt", ...(age ? ["--age", age] : []), "--filename-override", file, "--output", file],
        { input: stringify(values), reject: false, timeout: 60_000 },
      );
      if (res.exitCode !== 0)
        throw new ExportError(
          `sops could not encrypt ${file}: ${res.stderr.trim().split("\n").pop() ?? ""}`,
          "pass --age RECIPIENT, or add a creation rule for this path to .sops.yaml",
        );
      return { entry, note: `encrypted to ${file}` };
    },
  };
}

export interface OpTarget {
  host: string;
  vault: string;
  note?: string;
}

async function opItemExists(vault: string, title: string): Promise<boolean> {
  // A Secret's name never starts with "-": no "--" needed, and op reads none here.
  const res = await execa("op", ["--format", "json", "item", "get", "--vault", vault, title], {
    reject: false,
    timeout: 60_000,
  });
  if (res.exitCode === 0) return true;
  if (/isn't an item|not found/i.test(res.stderr)) return false;
  throw new ExportError(`op item get ${title}: ${res.stderr.trim()}`, "sign in to 1Password (op signin)");
}

/**
 * A 1Password item per Secret (category API Credential, one concealed field
 * per key, plus the note), by `op item create` with the item's JSON on
 * stdin; an item that exists already is left as it is, as the Go tool does.
 */
export function opStore(t: OpTarget): Store {
  return {
    put: async (x, values, dryRun) => {
      const title = x.metadata.name;
      const keys = Object.keys(values).sort();
      const entry = { uri: `op://${t.host}/${t.vault}/${title}`, preferLabel: true, items: identity(keys) };
      if (await opItemExists(t.vault, title))
        return { entry, note: `op item ${t.vault}/${title} exists: left as it is` };
      const item = {
        title,
        category: "API_CREDENTIAL",
        fields: [
          ...keys.map((k) => ({ id: k, label: k, type: "CONCEALED", value: values[k] ?? "" })),
          ...(t.note
            ? [{ id: "notesPlain", label: "notesPlain", type: "STRING", purpose: "NOTES", value: t.note }]
            : []),
        ],
      };
      const args = ["--format", "json", "item", "create", "--category", "API Credential", "--vault", t.vault];
      const res = await execa("op", [...args, ...(dryRun ? ["--dry-run"] : []), "-"], {
        input: JSON.stringify(item),
        reject: false,
        timeout: 60_000,
      });
      if (res.exitCode !== 0)
        throw new ExportError(
          `op item create ${t.vault}/${title}: ${res.stderr.trim()}`,
          "check the vault name and op signin",
        );
      return { entry, note: `${dryRun ? "would create" : "created"} op item ${t.vault}/${title}` };
    },
  };
}

/** The GenesisSecret that writes the Secret back as it is (type, labels, plus the Go tool's managed-by label). */
export function genesisSecretOf(x: LiveSecret, namespace: string, entry: Record<string, unknown>): string {
  const type = x.type && x.type !== "Opaque" ? { type: x.type } : {};
  const labels = { ...(x.metadata.labels ?? {}), ...MANAGED_BY };
  const spec = {
    secrets: [entry],
    outputs: [{ kubernetesSecret: { namespace, name: x.metadata.name, ...type, labels } }],
  };
  return stringify({ apiVersion: "tazuna.pepabo.com/v1", kind: "GenesisSecret", spec });
}

export interface Exported {
  secret: string;
  keys: string[];
  file: string;
  note: string;
}

/** Each selected Secret into the store, and its GenesisSecret to `<dump-dir>/<name>.yaml` (not in a dry run). */
export async function exportSecrets(
  cluster: ClusterAccess,
  s: Selection,
  store: Store,
  out: { dumpDir: string; dryRun: boolean },
): Promise<Exported[]> {
  const secrets = await listSecrets(cluster, s);
  const done: Exported[] = [];
  if (!out.dryRun) await mkdir(out.dumpDir, { recursive: true });
  for (const x of secrets) {
    const values = valuesOf(x);
    const file = path.join(out.dumpDir, `${x.metadata.name}.yaml`);
    if (!out.dryRun && existsSync(file))
      throw new ExportError(`${file} exists`, "move it away, or pass another --dump-dir");
    const { entry, note } = await store.put(x, values, out.dryRun);
    if (!out.dryRun) await writeFile(file, genesisSecretOf(x, s.namespace, entry));
    done.push({ secret: x.metadata.name, keys: Object.keys(values).sort(), file, note });
  }
  return done;
}
