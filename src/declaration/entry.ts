/**
 * One add-on entry, checked beyond its schema: its name, type and path, a
 * block written for another type, what its type checks (addon-types/), its
 * tests; then the loaded add-on.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { ADDON_TYPES, addonTypeOf, type Addon, type AddonBlocks, type Types } from "../addon-types";
import type { EntryCheck } from "../addon-types/contract";
import { durationSeconds } from "../config/duration";
import { type ConfigProblem } from "../config/errors";
import type { Origin } from "../config/model";
import { lineOf, problemAt } from "../config/parse";
import { NAME_PATTERN, RESERVED_NAMES, type Provider } from "../config/schema";
import type { Located } from "./includes";
import { checksOf } from "./tests";

export const DEFAULT_TIMEOUT_SECONDS = 600;

const TYPE_LIST = ADDON_TYPES.map((t) => t.name).join(", ");

/** Where a problem at a field of this entry is reported. */
const reporter =
  (l: Located, problems: ConfigProblem[]) => (rel: PropertyKey[], message: string, fix: string) =>
    problems.push(problemAt(l.parsed, [...l.path, ...rel], message, fix));

function nameOf(l: Located, at: ReturnType<typeof reporter>): string | undefined {
  const name = l.entry.name;
  if (name === undefined) {
    at(
      [],
      "an add-on needs a name (only an entry that holds includes may go without one)",
      "add name: with letters, digits, _ and - (^[a-zA-Z0-9_-]+$)",
    );
    return undefined;
  }
  if (!NAME_PATTERN.test(name))
    at(["name"], `"${name}" is not a valid name`, "use only letters, digits, _ and - (^[a-zA-Z0-9_-]+$)");
  else if (RESERVED_NAMES.includes(name)) at(["name"], `"${name}" is reserved`, "pick another name");
  return name;
}

/** `path` resolved against the root folder, when the type reads it and it exists. */
function dirOf(
  l: Located,
  type: Types,
  rootDir: string,
  at: ReturnType<typeof reporter>,
): string | undefined {
  const e = l.entry;
  if (type.pathIgnored) return undefined;
  if (e.path === undefined) {
    const block = (e as Record<string, unknown>)[type.field];
    const optional = (type.pathOptional as ((b: unknown) => boolean) | undefined)?.(block) ?? false;
    if (!optional)
      at(
        [],
        `add-on "${e.name}" (type ${type.name}) has no path`,
        `add path: relative to the folder of ${rootDir}`,
      );
    return undefined;
  }
  const dir = path.resolve(rootDir, e.path);
  if (existsSync(dir)) return dir;
  const nearFile = path.resolve(path.dirname(l.parsed.file), e.path);
  const included = l.parsed.file !== path.join(rootDir, path.basename(l.parsed.file)) && existsSync(nearFile);
  at(
    ["path"],
    `path ${e.path} does not exist (resolved to ${dir})`,
    included
      ? `paths in included files are relative to the root tazuna.yaml's folder, as in the Go tool: write ${path.relative(rootDir, nearFile)}`
      : `paths are relative to the folder of the root tazuna.yaml (${rootDir}); fix the path or create it`,
  );
  return undefined;
}

/** A block is read only for its own type: one beside another type is a mistake, not a setting. */
function strayBlocks(l: Located, at: ReturnType<typeof reporter>): void {
  for (const t of ADDON_TYPES)
    if ((l.entry as Record<string, unknown>)[t.field] !== undefined && t.name !== l.entry.type)
      at(
        [t.field],
        `block "${t.field}" is only read for type: ${t.name}, but this add-on is type: ${l.entry.type}`,
        `remove the ${t.field} block or change type to ${t.name}`,
      );
}

export function originOf(l: Located): Origin {
  return {
    file: l.parsed.file,
    path: l.path,
    line: lineOf(l.parsed, l.path),
    dependsOnLines: (l.entry.dependsOn ?? []).map((_, i) => lineOf(l.parsed, [...l.path, "dependsOn", i])),
  };
}

export interface EntryContext {
  rootDir: string;
  providers: readonly Provider[];
  environment: string;
}

/** The loaded add-on, or undefined after reporting why the entry cannot be one. */
export async function checkEntry(
  l: Located,
  ctx: EntryContext,
  problems: ConfigProblem[],
): Promise<Addon | undefined> {
  const e = l.entry;
  const before = problems.length;
  const at = reporter(l, problems);
  const name = nameOf(l, at);
  if (name === undefined) return undefined;
  if (!e.type) {
    at([], `add-on "${name}" has no type`, `add type: one of ${TYPE_LIST}`);
    return undefined;
  }
  const type = addonTypeOf(e.type);
  const block = (e as Record<string, unknown>)[type.field];
  const dir = dirOf(l, type, ctx.rootDir, at);
  const check = type.check as
    ((c: EntryCheck<unknown>) => ReturnType<NonNullable<typeof type.check>>) | undefined;
  const extras = await check?.({
    name,
    block,
    ...(e.path !== undefined ? { path: e.path } : {}),
    ...(dir !== undefined ? { dir } : {}),
    rootDir: ctx.rootDir,
    providers: ctx.providers,
    problem: at,
    problems,
  });
  strayBlocks(l, at);
  const timeoutSeconds = e.timeout
    ? durationSeconds(e.timeout)
    : ((type.timeoutSeconds as ((b: unknown) => number | undefined) | undefined)?.(block) ??
      DEFAULT_TIMEOUT_SECONDS);
  const tests = checksOf(e.tests ?? [], l, timeoutSeconds, problems);
  if (problems.length > before) return undefined;
  const { hint, ...secretExtras } = extras ?? {};
  // The entry's block under its own type's field, as the schema typed it (stray blocks were refused above).
  const blocks = (
    type.keepsBlock !== false && block !== undefined ? { [type.field]: block } : {}
  ) as AddonBlocks;
  return {
    name,
    ...(e.description ? { description: e.description } : {}),
    type: e.type,
    ...(dir ? { dir } : {}),
    baseDir: ctx.rootDir,
    tags: e.tags ?? [],
    dependsOn: e.dependsOn ?? [],
    ...(e.namespace ? { namespace: e.namespace } : {}),
    timeoutSeconds,
    readiness: { skip: e.readiness?.skip ?? false, waitFor: e.readiness?.waitFor ?? [] },
    ...blocks,
    ...secretExtras,
    environment: ctx.environment,
    ...(hint ? { hint } : {}),
    tests,
    pruneCrds: e.pruneCrds ?? false,
    ignoreFields: e.ignoreFields ?? [],
    handOff: e.handOff ?? false,
    origin: originOf(l),
  };
}
