/** `tazuna tags`: the tags in use and the add-ons that carry them. */
import type { Command } from "commander";
import { loadTarget, optionalCluster, type GlobalOptions } from "../project";

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("tags")
    .description("list the tags in use and their add-ons")
    .addHelpText("after", "\nExample:\n  tazuna tags")
    .action(async () => {
      const opts = globals();
      const t = await loadTarget(opts, await optionalCluster(opts));
      const tags = new Map<string, string[]>();
      for (const a of t.declaration.addons)
        for (const tag of a.tags) tags.set(tag, [...(tags.get(tag) ?? []), a.name]);
      for (const [tag, names] of [...tags].sort()) console.log(`${tag}\t${names.join(", ")}`);
    });
}
