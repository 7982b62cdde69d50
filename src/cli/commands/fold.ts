/** `tazuna state fold --as NAME`: leftovers folded back into the declaration (the run: cli/fold-run.ts). */
import type { Command } from "commander";
import { fold, type FoldOptions } from "../fold-run";
import type { GlobalOptions } from "../project";

export function registerFold(state: Command, globals: () => GlobalOptions): void {
  state
    .command("fold")
    .description(
      "fold leftovers (undeclared objects in managed namespaces) back into the declaration as a new manifests add-on, taken under state without changing them",
    )
    .requiredOption("--as <name>", "the new add-on (and its folder)")
    .option(
      "--only <objects>",
      "only these, as KIND/NAMESPACE/NAME, comma-separated (default: every leftover)",
    )
    .option(
      "--take-ownership",
      "also make Tazuna the owner of their fields, so later changes apply without conflicts (one patch of metadata.managedFields per object, content unchanged)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  tazuna state drift --cluster prod\n  tazuna state fold --cluster prod --as hand-made --only ConfigMap/argocd/extra-cm",
    )
    .action((o: FoldOptions) => fold(globals(), o));
}
