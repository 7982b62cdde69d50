/**
 * `tazuna secret export NAMESPACE/NAME`: one existing Secret folded back into
 * the declaration. The values go straight from kubectl into sops on stdin,
 * so they never touch the disk or the terminal in the clear; what is written
 * is the encrypted file and the GenesisSecret that refers to it.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { stringify } from "yaml";
import { z } from "zod";
import { kubectl, type ClusterAccess } from "../kube/kubectl";
import { execa } from "../process/exec";
import { ExportError } from "./export-error";

const LiveSecretSchema = z.object({
  type: z.string().optional(),
  metadata: z.object({
    labels: z.record(z.string(), z.string()).optional(),
  }),
  data: z.record(z.string(), z.string()).optional(),
});

/** Encrypts YAML given on stdin into `file`; sops finds .sops.yaml rules from that path. */
async function encrypt(plain: string, file: string, age: string | undefined): Promise<void> {
  const res = await execa(
    "sops",
    ["encrypt", ...(age ? ["--age", age] : []), "--filename-override", file, "--output", file],
    { input: plain, reject: false, timeout: 60_000 },
  );
  if ((res.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT")
    throw new ExportError("sops was not found on PATH", "install sops (tazuna doctor lists what is missing)");
  if (res.exitCode !== 0)
    throw new ExportError(
      `sops could not encrypt ${file}: ${res.stderr.trim().split("\n").pop() ?? ""}`,
      "pass --age RECIPIENT, or add a creation rule for this path to .sops.yaml",
    );
}

export interface OneExport {
  projectDir: string;
  /** The sops file (default secrets/<namespace>-<name>.sops.yaml). */
  to?: string;
  age?: string;
  provider: string;
}

/** Writes the sops file and its GenesisSecret; says where (relative to the project) and which keys. */
export async function exportOne(
  cluster: ClusterAccess,
  { namespace, name }: { namespace: string; name: string },
  o: OneExport,
): Promise<{ encrypted: string; genesis: string; keys: string[] }> {
  const live = LiveSecretSchema.parse(
    JSON.parse(await kubectl(cluster, ["get", "secret", name, "-n", namespace, "-o", "json"])),
  );
  const data = live.data ?? {};
  const keys = Object.keys(data).sort();
  if (keys.length === 0)
    throw new ExportError(`secret ${namespace}/${name} has no data`, "nothing to export");
  const values = Object.fromEntries(
    keys.map((k) => [k, Buffer.from(data[k] ?? "", "base64").toString("utf8")]),
  );

  const encrypted = path.resolve(o.projectDir, o.to ?? `secrets/${namespace}-${name}.sops.yaml`);
  const genesis = encrypted.replace(/\.sops\.ya?ml$|\.ya?ml$/, "") + ".genesis.yaml";
  for (const f of [encrypted, genesis])
    if (existsSync(f)) throw new ExportError(`${f} exists`, "move it away, or pass --to another path");
  await mkdir(path.dirname(encrypted), { recursive: true });
  await encrypt(stringify(values), encrypted, o.age);

  const relative = (f: string) => path.relative(o.projectDir, f);
  const typeOf = live.type && live.type !== "Opaque" ? { type: live.type } : {};
  const labels = live.metadata.labels ? { labels: live.metadata.labels } : {};
  const spec = {
    provider: o.provider,
    secrets: [
      { uri: `sops://${relative(encrypted)}`, items: Object.fromEntries(keys.map((k) => [k, { mapTo: k }])) },
    ],
    outputs: [{ kubernetesSecret: { namespace, name, ...typeOf, ...labels } }],
  };
  await writeFile(genesis, stringify({ apiVersion: "tazuna.pepabo.com/v1", kind: "GenesisSecret", spec }));
  return { encrypted: relative(encrypted), genesis: relative(genesis), keys };
}
