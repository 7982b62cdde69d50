/** --tags on plan and apply: which add-ons a run registers, and what it leaves alone. */
import { selectByTags } from "../graph/order";
import { excludesFor } from "../resources/urns";
import { UsageError } from "./errors";
import { log } from "./output";
import type { Target } from "./project";

/** A tag no add-on carries is a typo, for plan, apply and destroy alike: refused, naming the tags in use. */
export function refuseUnknownTags(
  addons: readonly { tags: readonly string[] }[],
  tags: readonly string[],
): void {
  const known = [...new Set(addons.flatMap((a) => a.tags))].sort();
  const unknown = tags.filter((t) => !known.includes(t));
  if (unknown.length > 0)
    throw new UsageError(
      `--tags: no add-on has tag ${unknown.join(", ")}\n  fix: use one of ${known.join(", ")}`,
    );
}

/** With --tags: the tagged add-ons plus what they depend on (and it says which). */
export function selectAddons(target: Target, tags: string[], verb: string): string[] | undefined {
  const addons = target.declaration.addons;
  if (tags.length === 0) return undefined;
  refuseUnknownTags(addons, tags);
  const { names, pulledIn } = selectByTags(addons, tags);
  const extra = pulledIn.size > 0 ? `, and ${[...pulledIn].join(", ")} that they depend on` : "";
  log(`--tags ${tags.join(",")}: ${verb} ${[...names].filter((n) => !pulledIn.has(n)).join(", ")}${extra}`);
  return addons.map((a) => a.name).filter((n) => names.has(n));
}

/** The add-ons left out: excluded, so the engine neither applies nor deletes them. */
export function excludedBy(
  only: readonly string[] | undefined,
  target: Target,
  cluster: string,
  project: string,
): string[] | undefined {
  if (!only) return undefined;
  const others = target.declaration.addons.map((a) => a.name).filter((n) => !only.includes(n));
  return excludesFor(cluster, project, others);
}
