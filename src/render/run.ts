/** Runs one render tool through execa and turns its failure into a RenderError. */
import { execa } from "../process/exec";
import { halted } from "../process/halt";
import { RenderError } from "../errors/render";
import { missingFix } from "../process/tools";

export interface ToolRun {
  addon: string;
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  /** What the tool reads on stdin (a password, never on the command line, where ps shows it). */
  input?: string;
  /** Variables of Tazuna's environment this tool needs beyond TOOL_ENV (the 1Password CLI's OP_*). */
  inherit?: readonly RegExp[];
  /** What to tell the user when the tool is missing or fails. */
  fix: string;
}

/**
 * What a render tool sees of Tazuna's environment: where programs, home,
 * temp and caches are, the locale, the proxy and CA settings, and the tools'
 * own settings. Never the state's passphrase (PULUMI_*), secret-store
 * credentials (OP_*, SOPS_*, age keys), cloud credentials (AWS_*, GOOGLE_*,
 * AZURE_*, ...), tokens or kubeconfigs: a template (helmfile's env,
 * requiredEnv) or a plugin could print any of them into an object.
 */
export const TOOL_ENV: readonly RegExp[] = [
  /^(PATH|HOME|USER|LOGNAME|SHELL|TMPDIR|TZ|LANG|LANGUAGE|TERM)$/,
  /^LC_[A-Z]+$/,
  /^XDG_(CACHE|CONFIG|DATA|STATE)_HOME$/,
  /^(HTTP|HTTPS|NO|ALL)_PROXY$/i,
  /^SSL_CERT_(FILE|DIR)$/,
  /^(HELM|HELMFILE|KUSTOMIZE|ORAS)_[A-Z0-9_]+$/,
  /^DOCKER_CONFIG$/,
];

/** The allowlisted part of `env`, plus what `inherit` names. */
export function toolEnv(inherit: readonly RegExp[] = [], env = process.env): Record<string, string> {
  const allowed = [...TOOL_ENV, ...inherit];
  return Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] => e[1] !== undefined && allowed.some((r) => r.test(e[0])),
    ),
  );
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
    extendEnv: false,
    ...(run.input !== undefined ? { input: run.input } : { stdin: "ignore" as const }),
    env: { ...toolEnv(run.inherit), ...run.env },
    reject: false,
    maxBuffer: 512 * 1024 * 1024,
    timeout,
    cancelSignal: halted,
  });
  if (res.isCanceled)
    throw new RenderError(
      run.addon,
      line,
      "error: stopped (the run was interrupted)",
      "run the command again",
    );
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
