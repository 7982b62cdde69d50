/**
 * Every command line of the Go tool's newest generation (its CLI table in
 * ../shared/reference/anchor-tazuna.md, section 6) is accepted by Tazuna's
 * command tree with its meaning: parsed with each command's action replaced
 * by a recorder, so nothing runs and no cluster is needed.
 */
import { strict as assert } from "node:assert";
import type { Command } from "commander";
import { buildProgram, goBooleans } from "../../src/cli/command-line";
import { cacheModeOf } from "../../src/render/artifact-cache";
import { finalExit } from "../../src/errors/exit-codes";
import type { GlobalOptions } from "../../src/cli/project";

interface Parsed {
  path: string;
  opts: Record<string, unknown>;
  globals: GlobalOptions & { filePath?: string };
}

/** Parses a command line; resolves with what the command would have run with. */
async function parse(line: string[]): Promise<Parsed> {
  const program = buildProgram();
  let parsed: Parsed | undefined;
  const visit = (cmd: Command, path: string[]) => {
    cmd.exitOverride();
    cmd.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    for (const sub of cmd.commands) visit(sub, [...path, sub.name()]);
    if (cmd.commands.length === 0)
      cmd.action(function (this: Command) {
        parsed = { path: path.join(" "), opts: this.opts(), globals: program.opts() };
      });
  };
  visit(program, []);
  // The preAction hook turns --otlp-* into OTEL_* variables (and would start tracing): keep them out of this process.
  const saved = { ...process.env };
  try {
    await program.parseAsync(goBooleans(["node", "tazuna", ...line]));
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) Reflect.deleteProperty(process.env, k);
  }
  if (!parsed) throw new Error(`${line.join(" ")}: no command ran`);
  return parsed;
}

/** The Go tool's command lines, each with what it must mean here. */
const GO_LINES: [string, (p: Parsed) => void][] = [
  ["init", (p) => assert.equal(p.path, "init")],
  ["init --force", (p) => assert.equal(p.opts.force, true)],
  ["check", (p) => assert.equal(p.path, "check")],
  ["check --fix", (p) => assert.equal(p.opts.fix, true)],
  ["-f other.yaml check", (p) => assert.equal(p.globals.file, "other.yaml")],
  ["--file-path other.yaml check", (p) => assert.equal(p.globals.filePath, "other.yaml")],
  ["-l debug build", (p) => assert.equal(p.globals.logLevel, "debug")],
  ["--log-level warn build", (p) => assert.equal(p.globals.logLevel, "warn")],
  ["-e prod build", (p) => assert.equal(p.globals.environment, "prod")],
  ["--environment prod plan", (p) => assert.equal(p.globals.environment, "prod")],
  ["build", (p) => assert.equal(p.path, "build")],
  ["build -t a,b", (p) => assert.equal(p.opts.tags, "a,b")],
  ["build --tags a --no-cache", (p) => assert.equal(cacheModeOf(p.opts), "refresh")],
  ["build --offline", (p) => assert.equal(cacheModeOf(p.opts), "offline")],
  ["plan", (p) => assert.equal(p.path, "plan")],
  ["plan -t net --no-cache", (p) => assert.deepEqual([p.opts.tags, p.opts.cache], ["net", false])],
  ["plan --offline", (p) => assert.equal(p.opts.offline, true)],
  ["apply", (p) => assert.equal(p.path, "apply")],
  ["apply -t a --no-cache", (p) => assert.deepEqual([p.opts.tags, p.opts.cache], ["a", false])],
  ["apply --offline", (p) => assert.equal(p.opts.offline, true)],
  ["apply --sync", (p) => assert.equal(p.opts.sync, true)],
  ["apply --sync --prune", (p) => assert.equal(p.opts.prune, true)],
  ["apply --sync --prune --atomic", (p) => assert.deepEqual([p.opts.prune, p.opts.atomic], [true, true])],
  ["apply --sync --atomic", (p) => assert.equal(p.opts.prune, undefined, "no --prune: the stack decides")],
  ["destroy --force", (p) => assert.equal(p.opts.force, true)],
  ["destroy --force -t a,b --no-cache", (p) => assert.deepEqual([p.opts.tags, p.opts.cache], ["a,b", false])],
  ["destroy --offline", (p) => assert.equal(p.opts.offline, true)],
  ["status", (p) => assert.equal(p.path, "status")],
  ["state list", (p) => assert.equal(p.path, "state list")],
  ["state diff", (p) => assert.equal(p.path, "state diff")],
  ["state drift", (p) => assert.equal(p.path, "state drift")],
  ["tags", (p) => assert.equal(p.path, "tags")],
  ["version", (p) => assert.equal(p.path, "version")],
  ["chart list", (p) => assert.equal(p.path, "chart list")],
  ["chart list --check-latest", (p) => assert.equal(p.opts.checkLatest, true)],
  [
    "secret-to-genesissecret --op-host my.1password.com --namespace ns --label-selector a=b --name-regex x --vault V --note n --dump-dir d --dry-run",
    (p) =>
      assert.deepEqual(
        [
          p.opts.opHost,
          p.opts.namespace,
          p.opts.labelSelector,
          p.opts.nameRegex,
          p.opts.vault,
          p.opts.note,
          p.opts.dumpDir,
          p.opts.dryRun,
        ],
        ["my.1password.com", "ns", "a=b", "x", "V", "n", "d", true],
      ),
  ],
  ["secret-to-genesissecret --op-host h --vault V", (p) => assert.equal(p.opts.namespace, "default")],
  [
    "--otlp-endpoint localhost:4317 --otlp-insecure plan",
    (p) =>
      assert.deepEqual(
        [p.path, p.globals.otlpEndpoint, p.globals.otlpInsecure],
        ["plan", "localhost:4317", true],
      ),
  ],
  ["--otlp-endpoint c:4317 --otlp-insecure=false apply", (p) => assert.equal(p.globals.otlpInsecure, false)],
  ["--otlp-endpoint c:4317 --otlp-insecure=true apply", (p) => assert.equal(p.globals.otlpInsecure, true)],
  [
    "--otlp-endpoint c:4317 build",
    (p) => assert.notEqual(p.globals.otlpInsecure, false, "plaintext by default, as in Go"),
  ],
];

/** Go lines whose commands are still to come; each says where. */
const PENDING: [string, string][] = [];

describe("the Go tool's command lines", () => {
  for (const [line, means] of GO_LINES)
    it(`accepts: tazuna ${line}`, async () => means(await parse(line.split(" "))));

  for (const [line, why] of PENDING) it.skip(`accepts: tazuna ${line} (pending: ${why})`);

  it("the control: an option no Go version had is refused", async () => {
    await assert.rejects(parse(["apply", "--sink"]), /unknown option '--sink'/);
    await assert.rejects(parse(["destroy", "--purge"]), /unknown option '--purge'/);
  });

  it("--no-cache with --offline is refused, as the Go tool refuses it", () => {
    assert.throws(() => cacheModeOf({ cache: false, offline: true }), /contradict each other/);
  });

  it("exit codes: changes are a success unless --detailed-exitcode", () => {
    assert.equal(finalExit(2, undefined), 0);
    assert.equal(finalExit(2, true), 2);
    for (const code of [0, 1, 3, 4, 130]) assert.equal(finalExit(code, false), code);
  });
});
