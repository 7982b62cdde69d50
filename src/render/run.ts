/** Runs one render tool through execa and turns its failure into a RenderError. */
import { execa } from "../exec";
import { RenderError } from "./errors";
import { missingFix } from "../tools";

export interface ToolRun {
  addon: string;
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  /** What to tell the user when the tool is missing or fails. */
  fix: string;
}

const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);

export function commandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map(quote).join(" ");
}

/**
 * A render that takes this long is hung (a chart repository that never
 * answers, a plugin waiting on input); TAZUNA_RENDER_TIMEOUT (seconds) moves it.
 */
export function renderTimeoutMs(env = process.env): number {
  const s = Number(env.TAZUNA_RENDER_TIMEOUT ?? "");
  return (Number.isFinite(s) && s > 0 ? s : 600) * 1000;
}

export async function runTool(run: ToolRun): Promise<string> {
  const line = commandLine(run.command, run.args);
  const timeout = renderTimeoutMs();
  const res = await execa(run.command, run.args, {
    cwd: run.cwd,
    env: run.env ?? {},
    reject: false,
    maxBuffer: 512 * 1024 * 1024,
    timeout,
  });
  if (res.timedOut)
    throw new RenderError(
      run.addon,
      line,
      `error: did not finish within ${timeout / 1000}s`,
      "run the command above to see where it hangs; TAZUNA_RENDER_TIMEOUT=<seconds> allows longer",
    );
  if (res.failed) {
    const missing = (res.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
    throw new RenderError(
      run.addon,
      line,
      missing ? `${run.command}: command not found` : res.stderr || (res.shortMessage ?? "failed"),
      missing ? missingFix(run.command) : run.fix,
    );
  }
  return res.stdout;
}
