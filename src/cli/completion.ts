/**
 * Shell completion: `tazuna completion bash|zsh|fish` prints a script that
 * asks `tazuna __complete WORD...` for candidates (answered in bin.ts, before
 * the command line is parsed). Commands and flags come from the command
 * tree itself; cluster names from stacks/; tags and add-on names from
 * tazuna.yaml (read as YAML, never rendered: completion must stay fast and
 * quiet).
 */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import type { Command, Option } from "commander";
import { parse } from "yaml";
import { buildProgram } from "./command-line";

const LEVELS = ["debug", "info", "warn", "error"];

function listStacks(project: string): string[] {
  try {
    return readdirSync(path.join(project, "stacks"))
      .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
      .filter((c): c is string => c !== undefined)
      .sort();
  } catch {
    return [];
  }
}

/** The add-ons' names and tags, from the raw file (includes and templates aside). */
function declared(project: string, file: string | undefined): { names: string[]; tags: string[] } {
  try {
    const doc = parse(readFileSync(path.resolve(project, file ?? "tazuna.yaml"), "utf8")) as {
      spec?: { manifests?: { name?: unknown; tags?: unknown }[] };
    };
    const manifests = doc.spec?.manifests ?? [];
    const names = manifests.map((m) => m.name).filter((n): n is string => typeof n === "string");
    const tags = manifests.flatMap((m) => (Array.isArray(m.tags) ? m.tags.map(String) : []));
    return { names: [...new Set(names)].sort(), tags: [...new Set(tags)].sort() };
  } catch {
    return { names: [], tags: [] };
  }
}

const flagsOf = (options: readonly Option[]) =>
  options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));

function optionFor(cmd: Command, flag: string): Option | undefined {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const o = c.options.find((x) => x.long === flag || x.short === flag);
    if (o) return o;
  }
  return undefined;
}

/** A comma-separated list completes its last item, keeping the ones typed. */
function listItems(current: string, values: string[]): string[] {
  const done = current.slice(0, current.lastIndexOf(",") + 1);
  return values.map((v) => `${done}${v}`);
}

function valuesFor(o: Option, current: string, ctx: { project: string; file?: string }): string[] {
  const name = o.attributeName();
  if (name === "cluster") return listItems(current, listStacks(ctx.project));
  if (name === "tags") return listItems(current, declared(ctx.project, ctx.file).tags);
  if (name === "output") return ["text", "json", "markdown"];
  if (name === "logLevel") return LEVELS;
  if (name === "format") return ["mermaid", "dot", "svg"];
  if (name === "as") return declared(ctx.project, ctx.file).names;
  return [];
}

/** Candidates for the last word, given the words before it (without `tazuna`). */
export function complete(words: string[]): string[] {
  const program = buildProgram();
  const current = words.at(-1) ?? "";
  const before = words.slice(0, -1);
  let cmd: Command = program;
  const ctx: { project: string; file?: string } = { project: "." };
  for (let i = 0; i < before.length; i++) {
    const w = before[i] as string;
    const o = w.startsWith("-") ? optionFor(cmd, w.split("=")[0] as string) : undefined;
    if (o?.required || o?.optional) {
      const value = before[i + 1];
      if (o.attributeName() === "project" && value) ctx.project = value;
      if (o.attributeName() === "file" && value) ctx.file = value;
      i++;
      continue;
    }
    cmd = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w)) ?? cmd;
  }
  const previous = before.at(-1);
  const pending = previous?.startsWith("-") ? optionFor(cmd, previous) : undefined;
  const all =
    pending && (pending.required || pending.optional)
      ? valuesFor(pending, current, ctx)
      : current.startsWith("-")
        ? [...flagsOf(cmd.options), ...(cmd === program ? [] : flagsOf(program.options))]
        : cmd.name() === "diff-clusters"
          ? listStacks(ctx.project)
          : cmd.commands.filter((c) => !c.name().startsWith("__")).map((c) => c.name());
  return [...new Set(all)].filter((c) => c.startsWith(current));
}

export const SCRIPTS: Record<string, string> = {
  bash: `# tazuna completion for bash: source <(tazuna completion bash)
_tazuna() {
  local IFS=$'\\n'
  COMPREPLY=( $(tazuna __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
}
complete -o default -F _tazuna tazuna
`,
  zsh: `#compdef tazuna
# tazuna completion for zsh: source <(tazuna completion zsh)
_tazuna() {
  local -a candidates
  candidates=("\${(@f)$(tazuna __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _tazuna tazuna
`,
  fish: `# tazuna completion for fish: tazuna completion fish | source
complete -c tazuna -f -a '(tazuna __complete (commandline -opc)[2..-1] (commandline -ct))'
`,
};
