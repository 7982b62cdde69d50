/**
 * Order of add-ons. With no dependsOn anywhere, declaration order is the
 * order (each add-on waits for the one before), as in the Go implementation;
 * once any add-on has dependsOn, only the declared edges count.
 */
/** What ordering needs of an add-on (the declaration's Addon has all of it). */
interface Named {
  name: string;
  dependsOn: readonly string[];
}

/** Each add-on's direct predecessors, explicit or implied by declaration order. */
export function predecessors(addons: readonly Named[]): Map<string, string[]> {
  const explicit = addons.some((a) => a.dependsOn.length > 0);
  return new Map(
    addons.map((a, i) => {
      const prev = addons[i - 1];
      return [a.name, explicit ? [...a.dependsOn] : prev ? [prev.name] : []];
    }),
  );
}

/** A cycle as a list of names that starts and ends with the same one, if any. */
export function findCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === "done") return undefined;
    if (state.get(n) === "visiting") return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, "visiting");
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const c = deps.has(d) ? visit(d) : undefined;
      if (c) return c;
    }
    stack.pop();
    state.set(n, "done");
    return undefined;
  };
  for (const n of deps.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

/** Kahn layers: every add-on comes after all it depends on; declaration order within a layer. */
export function layers(addons: readonly Named[]): string[][] {
  const deps = predecessors(addons);
  const done = new Set<string>();
  const out: string[][] = [];
  while (done.size < addons.length) {
    const layer = addons
      .filter((a) => !done.has(a.name) && (deps.get(a.name) ?? []).every((d) => done.has(d)))
      .map((a) => a.name);
    if (layer.length === 0) throw new Error("dependency cycle; run checkGraph first");
    layer.forEach((n) => done.add(n));
    out.push(layer);
  }
  return out;
}

/**
 * The add-ons `--tags` selects (any tag matches) plus everything they depend
 * on, transitively; `pulledIn` are the ones added only as dependencies.
 * Declaration order alone is a sequence, not a dependency: it pulls in nothing.
 */
export function selectByTags(
  addons: readonly (Named & { tags: readonly string[] })[],
  tags: readonly string[],
): { names: Set<string>; pulledIn: Set<string> } {
  // Declaration order without dependsOn is an order, not a dependency: it pulls nothing in.
  const deps = new Map(addons.map((a) => [a.name, a.dependsOn]));
  const tagged = addons.filter((a) => a.tags.some((t) => tags.includes(t))).map((a) => a.name);
  const names = new Set<string>();
  const add = (n: string) => {
    if (names.has(n)) return;
    names.add(n);
    (deps.get(n) ?? []).forEach(add);
  };
  tagged.forEach(add);
  return { names, pulledIn: new Set([...names].filter((n) => !tagged.includes(n))) };
}

/**
 * `destroy --tags`: the tagged add-ons go, nothing is pulled in. An add-on
 * that stays may not depend on one that goes (its objects would lose what
 * they run on): each such pair is returned. Edges are the engine's, so
 * declaration order counts when no add-on declares dependsOn.
 */
export function selectForDestroy(
  addons: readonly (Named & { tags: readonly string[] })[],
  tags: readonly string[],
): { going: string[]; dependents: Map<string, string[]>; conflicts: [stays: string, goes: string][] } {
  const going = addons.filter((a) => a.tags.some((t) => tags.includes(t))).map((a) => a.name);
  const preds = predecessors(addons);
  const dependents = new Map(going.map((g) => [g, [] as string[]]));
  const conflicts: [string, string][] = [];
  for (const [name, before] of preds)
    for (const b of before) {
      if (!going.includes(b)) continue;
      dependents.get(b)?.push(name);
      if (!going.includes(name)) conflicts.push([name, b]);
    }
  return { going, dependents, conflicts };
}
