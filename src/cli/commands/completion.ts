/** `tazuna completion bash|zsh|fish`: the shell's completion script (cli/completion.ts). */
import type { Command } from "commander";
import { SCRIPTS } from "../completion";
import { UsageError } from "../errors";

export function register(program: Command): void {
  program
    .command("completion")
    .argument("<shell>", "bash, zsh or fish")
    .description(
      "print the shell completion script: commands, flags, clusters (stacks/), tags and add-ons (tazuna.yaml)",
    )
    .addHelpText(
      "after",
      '\nExamples:\n  tazuna completion bash > ~/.local/share/bash-completion/completions/tazuna\n  tazuna completion zsh > "${fpath[1]}/_tazuna"\n  tazuna completion fish > ~/.config/fish/completions/tazuna.fish\n  (or, each shell start: source <(tazuna completion bash))',
    )
    .action((shell: string) => {
      const script = SCRIPTS[shell];
      if (!script)
        throw new UsageError(
          `completion: no script for "${shell}"\n  fix: tazuna completion bash, zsh or fish`,
        );
      process.stdout.write(script);
    });
}
