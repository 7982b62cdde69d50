/**
 * `tazuna secret export`'s run (and the Go tool's secret-to-genesissecret):
 * the cluster read behind the declaration's context_matches, one Secret into
 * a sops file and its GenesisSecret (secrets/export-one.ts), or every Secret
 * selected into sops files or 1Password items (secrets/export.ts).
 */
import * as path from "node:path";
import { stringify } from "yaml";
import { checkContext } from "../guard/context";
import { kubeconfigPath } from "../kube/kubeconfig";
import { exportSecrets, opStore, sopsStore } from "../secrets/export";
import { exportOne } from "../secrets/export-one";
import { UsageError } from "./errors";
import { log, print } from "./output";
import { clusterOf, loadTarget, requireCluster, type GlobalOptions } from "./project";

export interface ExportOptions extends BulkOptions {
  to?: string;
  age?: string;
  provider: string;
}

/** The Go tool's secret-to-genesissecret flags. */
export interface BulkOptions {
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

export async function exportSecret(opts: GlobalOptions, ref: string, o: ExportOptions): Promise<void> {
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
