/**
 * `tazuna secret export NAMESPACE/NAME`: an existing Secret folded back into
 * the declaration (the Go tool's secret-to-genesissecret). The values go
 * straight from kubectl into sops on stdin, so they never touch the disk or
 * the terminal in the clear; what is written is the encrypted file and the
 * GenesisSecret that refers to it, and what is printed is the entry to add.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { Command } from "commander";
import { stringify } from "yaml";
import { z } from "zod";
import { kubeconfigPath } from "../../kube/kubeconfig";
import { checkContext } from "../../guard/context";
import { kubectl } from "../../kube/kubectl";
import { execa } from "../../process/exec";
import { UsageError } from "../errors";
import { log, print } from "../output";
import { clusterOf, loadTarget, requireCluster, type GlobalOptions } from "../project";
import { exportSecrets, opStore, sopsStore } from "../../secrets/export";

const LiveSecretSchema = z.object({
  type: z.string().optional(),
  metadata: z.object({
    labels: z.record(z.string(), z.string()).optional(),
  }),
  data: z.record(z.string(), z.string()).optional(),
});

interface ExportOptions extends BulkOptions {
  to?: string;
  age?: string;
  provider: string;
}

/** The Go tool's secret-to-genesissecret flags. */
interface BulkOptions {
  namespace?: string;
  labelSelector?: string;
  nameRegex?: string;
  dumpDir?: string;
  dryRun?: boolean;
  opHost?: string;
  vault?: string;
  note?: string;
  age?: string;
}

/** Every Secret selected, into sops files or (with --op-host) 1Password items, each with its GenesisSecret. */
export async function exportBulk(opts: GlobalOptions, o: BulkOptions): Promise<void> {
  const { target, access } = await guardedAccess(opts);
  const dumpDir = path.resolve(o.dumpDir ?? ".");
  if (o.opHost && !o.vault)
    throw new UsageError(
      "--op-host needs --vault: the 1Password vault the items go to\n  fix: pass --vault NAME",
    );
  const store = o.opHost
    ? opStore({ host: o.opHost, vault: o.vault ?? "", ...(o.note ? { note: o.note } : {}) })
    : sopsStore(dumpDir, target.projectDir, o.age);
  const done = await exportSecrets(
    access,
    {
      namespace: o.namespace ?? "default",
      ...(o.labelSelector ? { labelSelector: o.labelSelector } : {}),
      ...(o.nameRegex ? { nameRegex: o.nameRegex } : {}),
    },
    store,
    { dumpDir, dryRun: o.dryRun === true },
  );
  if (done.length === 0) log(`no Secret in namespace ${o.namespace ?? "default"} matched`);
  for (const d of done) {
    log(`${d.secret}: ${d.note} (keys ${d.keys.join(", ") || "none"}; values not printed)`);
    // The Go tool's dry run prints the paths it would write; a real run, the ones it wrote.
    print(d.file);
  }
}

/** The bulk flags, on `secret export` and on the Go tool's `secret-to-genesissecret`. */
export function bulkFlags(cmd: Command, namespaceDefault: boolean): Command {
  return cmd
    .option(
      "--namespace <ns>",
      namespaceDefault ? "the namespace to export from" : "export every Secret of this namespace",
      ...(namespaceDefault ? ["default"] : []),
    )
    .option("--label-selector <selector>", "only Secrets with these labels (k=v,k2=v2, as kubectl -l)")
    .option("--name-regex <re2>", "only Secrets whose name matches (RE2, anywhere in the name)")
    .option("--dump-dir <dir>", "where the GenesisSecret files go, <secret>.yaml", ".")
    .option("--dry-run", "write nothing (op gets --dry-run); print the paths it would write")
    .option(
      "--op-host <host>",
      "into 1Password items (op item create) read back as op://<host>/<vault>/<secret>",
    )
    .option("--vault <name>", "the 1Password vault (with --op-host)")
    .option("--note <text>", "the note on each 1Password item (with --op-host)");
}

function parseRef(ref: string): { namespace: string; name: string } {
  const m = /^([a-z0-9.-]+)\/([a-z0-9.-]+)$/.exec(ref);
  if (!m)
    throw new UsageError(
      `secret export: "${ref}" is not NAMESPACE/NAME\n  fix: e.g. tazuna secret export argocd/repo-creds`,
    );
  return { namespace: m[1] as string, name: m[2] as string };
}

/** Encrypts YAML given on stdin into `file`; sops finds .sops.yaml rules from that path. */
async function encrypt(plain: string, file: string, age: string | undefined): Promise<void> {
  const res = await execa(
    "sops",
    ["encrypt", ...(age ? ["--age", age] : []), "--filename-override", file, "--output", file],
    { input: plain, reject: false, timeout: 60_000 },
  );
  if ((res.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT")
    throw new UsageError(
      "sops was not found on PATH\n  fix: install sops (tazuna doctor lists what is missing)",
    );
  if (res.exitCode !== 0)
    throw new UsageError(
      `sops could not encrypt ${file}: ${res.stderr.trim().split("\n").pop() ?? ""}\n  fix: pass --age RECIPIENT, or add a creation rule for this path to .sops.yaml`,
    );
}

/** The cluster to read from, behind the declaration's context_matches (a read, but of Secrets). */
async function guardedAccess(opts: GlobalOptions) {
  const cluster = await clusterOf(opts, await requireCluster(opts));
  const target = await loadTarget(opts, cluster);
  const decl = target.declaration;
  checkContext(
    cluster.settings.context,
    decl.contextMatches,
    decl.matchMode,
    `${decl.guardField} of ${decl.file}`,
  );
  const access = {
    kubeconfig: kubeconfigPath(cluster.settings, target.projectDir),
    context: cluster.settings.context,
  };
  return { target, decl, access };
}

async function exportSecret(opts: GlobalOptions, ref: string, o: ExportOptions): Promise<void> {
  const { namespace, name } = parseRef(ref);
  const { target, decl, access } = await guardedAccess(opts);
  const live = LiveSecretSchema.parse(
    JSON.parse(await kubectl(access, ["get", "secret", name, "-n", namespace, "-o", "json"])),
  );
  const data = live.data ?? {};
  const keys = Object.keys(data).sort();
  if (keys.length === 0) throw new UsageError(`secret ${ref} has no data\n  fix: nothing to export`);
  const values = Object.fromEntries(
    keys.map((k) => [k, Buffer.from(data[k] ?? "", "base64").toString("utf8")]),
  );

  const encrypted = path.resolve(target.projectDir, o.to ?? `secrets/${namespace}-${name}.sops.yaml`);
  const genesis = encrypted.replace(/\.sops\.ya?ml$|\.ya?ml$/, "") + ".genesis.yaml";
  for (const f of [encrypted, genesis])
    if (existsSync(f)) throw new UsageError(`${f} exists\n  fix: move it away, or pass --to another path`);
  await mkdir(path.dirname(encrypted), { recursive: true });
  await encrypt(stringify(values), encrypted, o.age);

  const relative = (f: string) => path.relative(target.projectDir, f);
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
  log(`wrote ${relative(encrypted)} (encrypted by sops; keys ${keys.join(", ")}; values not printed)`);
  log(`wrote ${relative(genesis)} (the GenesisSecret that reads it at apply time)`);
  const declared = decl.providers.some((p) => p.name === o.provider && p.type === "sops");
  const entry = {
    ...(declared ? {} : { providers: [{ name: o.provider, type: "sops" }] }),
    manifests: [
      { name: `${name}-secret`, type: "genesissecret", path: relative(genesis), genesisSecret: {} },
    ],
  };
  print(`# add to spec in ${relative(decl.file)}:\n${stringify(entry)}`);
}

export function register(program: Command, globals: () => GlobalOptions): void {
  const secret = program.command("secret").description("fold existing Secrets back into the declaration");
  const exp = secret
    .command("export")
    .argument("[namespace/name]", "one Secret in the cluster (without it: every Secret --namespace selects)")
    .description(
      "write a live Secret as a sops-encrypted file and a GenesisSecret that reads it; prints the entry to add, never a value",
    )
    .option("--to <file>", "the encrypted file (default: secrets/<namespace>-<name>.sops.yaml)")
    .option("--age <recipient>", "encrypt for this age recipient (default: the rules of .sops.yaml)")
    .option("--provider <name>", "the sops provider's name in tazuna.yaml", "sops")
    .addHelpText(
      "after",
      [
        "\nExamples:",
        "  tazuna secret export argocd/repo-creds --cluster staging --age age1...",
        "  then add the printed entry to tazuna.yaml and commit both files",
        "  tazuna secret export --namespace argocd --label-selector team=platform --dump-dir secrets/ --age age1...",
        "  tazuna secret export --namespace argocd --op-host my.1password.com --vault Platform --dump-dir secrets/",
      ].join("\n"),
    );
  bulkFlags(exp, false).action((ref: string | undefined, o: ExportOptions) => {
    if (ref) return exportSecret(globals(), ref, o);
    if (!o.namespace)
      throw new UsageError(
        "secret export: name one Secret (NAMESPACE/NAME), or select several with --namespace\n  fix: e.g. tazuna secret export argocd/repo-creds, or --namespace argocd",
      );
    return exportBulk(globals(), o);
  });
}
