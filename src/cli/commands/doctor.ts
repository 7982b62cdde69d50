/** `tazuna doctor`: is this machine ready to run Tazuna? (the checks: cli/diagnose.ts) */
import type { Command } from "commander";
import { EXIT } from "../../errors/exit-codes";
import { diagnose, format } from "../diagnose";
import type { GlobalOptions } from "../project";

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("doctor")
    .description(
      "check this machine: the programs Tazuna needs, the kubeconfig, the state backend, the passphrase",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  tazuna doctor\n  tazuna doctor -o json\n\nExit 1 when something required is missing; each problem says how to fix it.",
    )
    .action(async () => {
      const opts = globals();
      const findings = await diagnose(opts);
      console.log(opts.output === "json" ? JSON.stringify({ findings }) : format(findings));
      process.exitCode = findings.some((f) => !f.ok && f.required) ? EXIT.error : EXIT.ok;
    });
}
