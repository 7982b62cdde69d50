/** Asking before a command changes a cluster: on a terminal, else only with --yes. */
import { createInterface } from "node:readline/promises";
import { UsageError } from "./errors";

export async function confirm(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** apply changes clusters: it asks first, and where it cannot ask it needs --yes (as `pulumi up` does). */
export function needConfirmation(o: { yes?: boolean | undefined }): void {
  if (o.yes || process.stdin.isTTY) return;
  throw new UsageError(
    "apply changes the cluster, and stdin is not a terminal to ask on; nothing was applied\n  fix: pass --yes (in CI: tazuna apply --yes)",
  );
}

export async function yesOrStop(question: string): Promise<void> {
  if (!/^y(es)?$/i.test(await confirm(`${question} [y/N] `))) throw new UsageError("not applied");
}
