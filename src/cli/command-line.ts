/** The tazuna command line: global options and one sub-command per file in commands/. */
import * as path from "node:path";
import { Command, Option } from "commander";
import { versionLine } from "../process/version";
import * as apply from "./commands/apply";
import * as build from "./commands/build";
import * as check from "./commands/check";
import * as destroy from "./commands/destroy";
import * as diffClusters from "./commands/diff-clusters";
import * as doctor from "./commands/doctor";
import * as graph from "./commands/graph";
import * as init from "./commands/init";
import * as plan from "./commands/plan";
import * as secret from "./commands/secret";
import * as state from "./commands/state";
import * as status from "./commands/status";
import * as tags from "./commands/tags";
import * as version from "./commands/version";
import * as completion from "./commands/completion";
import * as verify from "./commands/verify";
import * as migrate from "./commands/migrate";
import * as summary from "./commands/summary";
import * as chart from "./commands/chart";
import * as secretToGenesisSecret from "./commands/secret-to-genesissecret";
import { collectVar } from "../config/var-flags";
import { UsageError, positiveInt } from "./errors";
import { setLogLevel } from "./output";
import { beginCommandTrace } from "./trace-run";
import { startReport } from "./report";
import { DEFAULT_CONCURRENCY } from "./fan-out";
import type { GlobalOptions } from "./project";

const OUTPUTS = ["text", "json", "markdown"];

/** Markdown is a plan written for people; other results have no such form. */
function refuseMarkdownFor(command: string, output: string): void {
  if (output === "markdown" && command !== "plan" && command !== "summary")
    throw new UsageError(
      `tazuna ${command} has no -o markdown (it writes plans for pull requests)\n  fix: use -o text or -o json, or run tazuna plan -o markdown`,
    );
}

/** "state drift": the words that named the command. */
function commandPath(cmd: Command): string {
  const words: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) words.unshift(c.name());
  return words.join(" ");
}

/**
 * The Go tool's booleans take their value after "=" (--otlp-insecure=false);
 * commander's take none, so those are rewritten to its --no- form first.
 */
export function goBooleans(argv: readonly string[]): string[] {
  return argv.map((a) => {
    const m = /^--(otlp-insecure)=(.*)$/.exec(a);
    if (m && /^(1|t|true)$/i.test(m[2] ?? "")) return `--${m[1]}`;
    if (m && /^(0|f|false)$/i.test(m[2] ?? "")) return `--no-${m[1]}`;
    return a;
  });
}

export function buildProgram(): Command {
  const program = new Command("tazuna")
    .description("Bootstrap the foundation layer of Kubernetes clusters from tazuna.yaml")
    .version(versionLine(), "--version", "print the version line (as `tazuna version` starts)")
    .option(
      "-f, --file <path>",
      "the tazuna.yaml (default: the stack's tazuna:file, else ./tazuna.yaml); --file-path <path> is the same, as the Go tool spells it",
    )
    .addOption(new Option("--file-path <path>").hideHelp())
    .addOption(
      new Option(
        "-l, --log-level <level>",
        "debug also prints each external command line, an error's stack and where the engine's log is; warn and error print less",
      ).default("info"),
    )
    .option("-c, --cluster <names>", "the cluster: a stack with stacks/Pulumi.<name>.yaml; a,b,c for several")
    .option("--all", "every cluster with a stack file (plan, apply, status, state)")
    .option(
      "--concurrency <n>",
      `clusters at once with --all or a list (default ${DEFAULT_CONCURRENCY})`,
      (v) => positiveInt("--concurrency", v),
    )
    .option("-p, --project <dir>", "the project folder", ".")
    .option(
      "--context <name>",
      "the kubeconfig context, in a folder without stack files (default: the current one)",
    )
    .option(
      "--kubeconfig <file>",
      "the kubeconfig file, as KUBECONFIG=<file> (a stack's tazuna:kubeconfig wins)",
    )
    .option(
      "--project-name <name>",
      "Pulumi project name of the built-in program (default: $TAZUNA_PROJECT_NAME, else the folder's name)",
    )
    .option(
      "-e, --environment <name>",
      "the Go tool's environment: {{ .Environment }} in tazuna.yaml and spec.environments.<name>'s guard (with stack files: tazuna:environment)",
    )
    .option(
      "--var <name=value>",
      "a ${vars.NAME} value, repeatable; wins over --var-file and the stack's tazuna:vars",
      collectVar,
    )
    .option(
      "--var-file <file>",
      "a YAML map of ${vars.NAME} values (the shape of tazuna:vars), repeatable; wins over the stack's tazuna:vars",
      (v: string, prev: string[] = []) => [...prev, path.resolve(v)],
    )
    .option(
      "--allow-any-context",
      "apply and destroy with -e NAME whose environment declares no context_matches while the root does (no name guard)",
    )
    .option("--backend <url>", "state backend URL (default: $TAZUNA_BACKEND, else .tazuna/state)")
    .addOption(
      new Option(
        "-o, --output <format>",
        "text or json; markdown for plan and summary (a pull-request comment)",
      )
        .choices(OUTPUTS)
        .default("text"),
    )
    .option(
      "--otlp-endpoint <host:port>",
      "send OpenTelemetry traces of the run there, over OTLP/gRPC (else OTEL_EXPORTER_OTLP_ENDPOINT and the other OTEL_* variables; none: no traces)",
    )
    .option("--otlp-insecure", "plaintext gRPC to --otlp-endpoint (the default; --otlp-insecure=false: TLS)")
    .addOption(new Option("--no-otlp-insecure").hideHelp())
    .option(
      "--report <file.html>",
      "plan, apply, destroy, verify: write one self-contained page of the run (add-on graph, timeline, changes, guard, exit code)",
    )
    .option(
      "--detailed-exitcode",
      "plan, state diff, state drift, diff-clusters and summary exit 2 when they find changes (Terraform's flag; without it they exit 0)",
    )
    .showHelpAfterError("(tazuna --help lists the commands and options)");
  const globals = (): GlobalOptions => {
    const o = program.opts<GlobalOptions & { filePath?: string }>();
    const file = o.file ?? o.filePath;
    return { ...o, ...(file !== undefined ? { file } : {}) };
  };
  // Like kubectl's flag: every tool Tazuna starts (engine, provider, kubectl) reads the same file.
  program.hook("preAction", (_program, action) => {
    const file = globals().kubeconfig;
    if (file) process.env.KUBECONFIG = path.resolve(file);
    setLogLevel(globals().logLevel);
    refuseMarkdownFor(commandPath(action), globals().output);
    startReport(commandPath(action), globals().report);
    beginCommandTrace(commandPath(action), globals());
  });
  for (const cmd of [
    init,
    check,
    build,
    graph,
    tags,
    plan,
    apply,
    destroy,
    state,
    secret,
    status,
    diffClusters,
    doctor,
    verify,
    migrate,
    summary,
    chart,
    secretToGenesisSecret,
  ])
    cmd.register(program, globals);
  version.register(program);
  completion.register(program);
  return program;
}
