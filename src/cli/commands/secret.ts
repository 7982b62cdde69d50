/**
 * `tazuna secret export NAMESPACE/NAME`: an existing Secret folded back into
 * the declaration (the Go tool's secret-to-genesissecret). The values go
 * straight from kubectl into sops on stdin, so they never touch the disk or
 * the terminal in the clear; what is written is the encrypted file and the
 * GenesisSecret that refers to it, and what is printed is the entry to add.
 */
import type { Command } from "commander";
import type { GlobalOptions } from "../project";
import { UsageError } from "../errors";
import { exportBulk, exportSecret, type ExportOptions } from "../secret-run";

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
