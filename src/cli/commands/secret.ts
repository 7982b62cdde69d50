/**
 * `tazuna secret export NAMESPACE/NAME`: an existing Secret folded back into
 * the declaration (the Go tool's secret-to-genesissecret). The values go
 * straight from kubectl into sops on stdin, so they never touch the disk or
 * the terminal in the clear; what is written is the encrypted file and the
 * GenesisSecret that refers to it, and what is printed is the entry to add.
 */
import * as path from "node:path";
import type { Command } from "commander";
import { stringify } from "yaml";
import { kubeconfigPath } from "../../kube/kubeconfig";
import { checkContext } from "../../guard/context";
import { UsageError } from "../errors";
import { log, print } from "../output";
import { clusterOf, loadTarget, requireCluster, type GlobalOptions } from "../project";
import { exportSecrets, opStore, sopsStore } from "../../secrets/export";
import { exportOne } from "../../secrets/export-one";

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
  const { target, decl, access } = await guardedAccess(opts);
  const out = await exportOne(access, parseRef(ref), { projectDir: target.projectDir, ...o });
  log(`wrote ${out.encrypted} (encrypted by sops; keys ${out.keys.join(", ")}; values not printed)`);
  log(`wrote ${out.genesis} (the GenesisSecret that reads it at apply time)`);
  const declared = decl.providers.some((p) => p.name === o.provider && p.type === "sops");
  const entry = {
    ...(declared ? {} : { providers: [{ name: o.provider, type: "sops" }] }),
    manifests: [
      { name: `${parseRef(ref).name}-secret`, type: "genesissecret", path: out.genesis, genesisSecret: {} },
    ],
  };
  print(`# add to spec in ${path.relative(target.projectDir, decl.file)}:\n${stringify(entry)}`);
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
