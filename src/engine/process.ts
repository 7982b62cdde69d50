/**
 * How Tazuna reaches the Pulumi engine: the self-built CLI from the tool
 * cache, with every switch that could make it touch the network turned off.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execaSync } from "execa";
import { PulumiCommand } from "@pulumi/pulumi/automation";

import { missingFix } from "../process/tools";
import { OFFLINE_ENV } from "../process/offline-env";
import { LOG_LEVEL_ENV, traceCommand } from "../process/exec";
import { TRACE_PARENT_ENV, inSpan, tracingOn } from "../trace/tracing";
import { withEnv } from "../program/run-env";
import { FAILURES_ENV, failuresMark, failuresSince } from "../errors/failures";
import { scratchDir } from "../process/temp";
import { typedEngineError } from "./errors";
import { TazunaError } from "../errors/tazuna-error";

export { OFFLINE_ENV };

export class EngineNotFoundError extends TazunaError {
  constructor(detail: string) {
    super(`the pulumi CLI was not found (${detail})\n  fix: ${missingFix("pulumi")}`);
  }
}

/** The folder above `bin/pulumi`, which PulumiCommand.get wants as its root. */
export function pulumiRoot(): string {
  const res = execaSync("sh", ["-c", "command -v pulumi"], { reject: false });
  const bin = res.stdout.trim();
  if (res.exitCode !== 0 || !bin) throw new EngineNotFoundError("not on PATH");
  return path.dirname(path.dirname(bin));
}

/**
 * A root whose bin/pulumi runs the real CLI in its own session. A Ctrl-C on
 * the terminal then reaches only tazuna, which passes exactly one SIGINT on
 * (Automation API's abort signal): the engine's graceful cancel. Two SIGINTs,
 * the terminal's and ours, would make it terminate at once, mid-operation.
 */
export function sessionRoot(real: string): string {
  // A fresh folder of this run's own (mkdtemp: 0700, a new name, created by
  // us): a fixed shared path could be planted beforehand by another user.
  const root = mkdtempSync(path.join(tmpdir(), "tazuna-engine-"));
  process.once("exit", () => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, "bin"), { mode: 0o700 });
  const bin = path.join(real, "bin");
  // "wx": created here or not at all, never through a link.
  writeFileSync(
    path.join(root, "bin", "pulumi"),
    `#!/bin/sh\n# Written by tazuna (src/engine/process.ts).\nPATH="${bin}:$PATH" exec setsid "${bin}/pulumi" "$@"\n`,
    { mode: 0o700, flag: "wx" },
  );
  return root;
}

let command: Promise<PulumiCommand> | undefined;

export function pulumiCommand(): Promise<PulumiCommand> {
  command ??= PulumiCommand.get({ root: sessionRoot(pulumiRoot()) }).then(wrapped);
  return command;
}

type Run = (args: string[], cwd: string, env: Record<string, string>, ...rest: unknown[]) => Promise<unknown>;

/**
 * PulumiCommand has no hooks; its `run` is wrapped. A failed engine command
 * becomes a typed error (engine/errors.ts) from what Tazuna's code recorded
 * inside it (errors/failures.ts). Traced runs get a span
 * per engine command, whose context the engine's processes continue
 * (TAZUNA_TRACEPARENT; the built-in program reads it in this process). At
 * --log-level debug, each engine command line goes to stderr, and the
 * engine keeps its own log (glog, verbosity 3: the steps and plugin
 * starts, not the values sent) in the temporary folder, said once.
 */
function wrapped(cmd: PulumiCommand): PulumiCommand {
  const target = cmd as unknown as { run?: Run };
  const run = target.run;
  if (typeof run !== "function") return cmd;
  const debug = process.env[LOG_LEVEL_ENV] === "debug";
  if (debug)
    process.stderr.write(`debug: engine log: ${path.join(tmpdir(), "pulumi.INFO")} (the newest run's)\n`);
  const traced = tracedRun(cmd, run, debug);
  target.run = async (args, cwd, env, ...rest) => {
    const file = await failuresFile();
    const mark = failuresMark(file);
    const mine = { [FAILURES_ENV]: file };
    try {
      // The built-in program runs in this process, so it reads the variable here too.
      return await withEnv(mine, () => traced(args, cwd, { ...env, ...mine }, ...rest));
    } catch (err) {
      throw typedEngineError(err, failuresSince(file, mark));
    }
  };
  return cmd;
}

let failures: Promise<string> | undefined;

/** This process's failures file (errors/failures.ts), one for all its engine commands. */
function failuresFile(): Promise<string> {
  failures ??= scratchDir("failures").then((d) => d.write("failures.jsonl", ""));
  return failures;
}

/** The engine command, in a span of its own when traced. */
function tracedRun(cmd: PulumiCommand, run: Run, debug: boolean): Run {
  return (args, cwd, env, ...rest) => {
    const logged = debug ? ["--logflow", "-v=3", ...args] : args;
    if (debug) traceCommand("pulumi", logged);
    if (!tracingOn()) return run.call(cmd, logged, cwd, env, ...rest);
    // `up`, `preview`, `destroy` take the stack as their next word; `stack ls`, `config set` are two words.
    const [verb = "", sub = ""] = args.filter((a) => !a.startsWith("-"));
    const words = ["stack", "config", "plugin", "state"].includes(verb) ? [verb, sub] : [verb];
    return inSpan(`engine ${words.join(" ")}`, { "tazuna.engine.command": words.join(" ") }, (span) => {
      const parent = span.traceparent() ?? "";
      return withEnv({ [TRACE_PARENT_ENV]: parent }, () =>
        run.call(cmd, logged, cwd, { ...env, [TRACE_PARENT_ENV]: parent }, ...rest),
      );
    });
  };
}
