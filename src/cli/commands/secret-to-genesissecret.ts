/**
 * `tazuna secret-to-genesissecret`: the Go tool's command, with its flags:
 * every Secret of a namespace into 1Password items (op item create) and a
 * GenesisSecret file per Secret that reads its item back. Without --op-host
 * (which the Go tool requires), into sops files instead.
 */
import type { Command } from "commander";
import type { GlobalOptions } from "../project";
import { exportBulk } from "../secret-run";
import { bulkFlags } from "./secret";

export function register(program: Command, globals: () => GlobalOptions): void {
  const cmd = program
    .command("secret-to-genesissecret")
    .description(
      "the Go tool's bulk export: each Secret of a namespace into a 1Password item (--op-host) or a sops file, and a GenesisSecret reading it; no value printed",
    )
    .addHelpText(
      "after",
      "\nExample:\n  tazuna secret-to-genesissecret --op-host my.1password.com --vault Platform --namespace argocd --dump-dir secrets/",
    );
  bulkFlags(cmd, true).action((o: Parameters<typeof exportBulk>[1]) => exportBulk(globals(), o));
}
