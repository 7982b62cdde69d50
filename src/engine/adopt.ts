/**
 * Takes objects that exist in the cluster under this stack's state without
 * writing to them: the Pulumi import of each (a read), then their recorded
 * inputs set to what the declaration gives, so the next plan compares the
 * declaration with itself and the live object. Objects another tool applied
 * by server-side apply keep that tool's field manager (the Go tool's is
 * "tazuna"), so later changes are applied by the same manager, without
 * conflicts.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { adoptKey, urnParts } from "../program/urns";
import { ADOPT_ENV, FORMER_MANAGERS_ENV, ONLY_ENV, releaseEngine, withEnv } from "../program/run-env";
import { DIRECTIVES, OWN_FIELD_MANAGER } from "../program/readiness";
import { writingState } from "../state/resources";

type Props = Record<string, unknown>;

/** Inputs as the program's ignoreChanges leaves them for an object without Tazuna's directives. */
function withoutDirectives(inputs: Props): Props {
  const metadata = (inputs.metadata ?? {}) as Props;
  const annotations = Object.fromEntries(
    Object.entries((metadata.annotations ?? {}) as Record<string, string>).filter(
      ([k]) => !DIRECTIVES.includes(k),
    ),
  );
  return { ...inputs, metadata: { ...metadata, annotations } };
}

const keyOf = (urn: string) => {
  const { type, name } = urnParts(urn);
  return adoptKey(type, name);
};

/**
 * Adopts `imports` (adoptKey → import id); returns the URNs taken. The program must read ONLY_ENV and ADOPT_ENV
 * (tazunaProgram does).
 */
export async function adoptObjects(
  stack: Stack,
  /** The add-ons to register and the URN patterns of the rest (excludesFor); undefined: the whole program. */
  part: { addons: readonly string[]; exclude: string[] } | undefined,
  imports: Record<string, string>,
  /** The field manager later changes are applied as: one for all, or one per adoptKey. */
  fieldManager: string | Record<string, string> = OWN_FIELD_MANAGER,
): Promise<string[]> {
  const only = { [ONLY_ENV]: part?.addons.join(",") };
  const target = part ? { exclude: part.exclude } : {};
  if (releaseEngine()) {
    await recordLive(stack, { ...only, [ADOPT_ENV]: JSON.stringify(imports) }, target, fieldManager);
    return [];
  }
  // What the declaration's inputs are once the provider has checked them.
  const declared = new Map<string, Props>();
  await withEnv({ ...only, [ADOPT_ENV]: undefined }, () =>
    stack.preview({
      ...target,
      onEvent: (e) => {
        const m = e.resourcePreEvent?.metadata;
        if (m?.new?.inputs && imports[keyOf(m.urn)] !== undefined) declared.set(m.urn, m.new.inputs as Props);
      },
    }),
  );
  await writingState(stack, () =>
    withEnv({ ...only, [ADOPT_ENV]: JSON.stringify(imports) }, () => stack.up(target)),
  );
  const exported = await stack.exportStack();
  const resources =
    (exported.deployment as { resources?: { urn: string; inputs?: Props; outputs?: Props }[] }).resources ??
    [];
  const taken: string[] = [];
  for (const r of resources) {
    const inputs = declared.get(r.urn);
    if (!inputs) continue;
    r.inputs = withoutDirectives(inputs);
    const manager = typeof fieldManager === "string" ? fieldManager : fieldManager[keyOf(r.urn)];
    r.outputs = { ...r.outputs, __inputs: r.inputs, ...(manager ? { __fieldManager: manager } : {}) };
    taken.push(r.urn);
  }
  await writingState(stack, () => stack.importStack(exported));
  return taken;
}

/**
 * The release engine's adoption: one up in which each release records the
 * adopted objects as they are live and writes none of them. The managers
 * that wrote them count as Tazuna's (release/plan.ts former), so the next
 * plan does not take their fields back; a forced apply of a later change
 * takes them without a conflict.
 */
async function recordLive(
  stack: Stack,
  env: Record<string, string | undefined>,
  target: { exclude?: string[] },
  fieldManager: string | Record<string, string>,
): Promise<void> {
  const managers = typeof fieldManager === "string" ? [fieldManager] : Object.values(fieldManager);
  const former = [...new Set(managers)].filter((m) => m !== OWN_FIELD_MANAGER);
  await writingState(stack, () =>
    withEnv({ ...env, [FORMER_MANAGERS_ENV]: former.join(",") || undefined }, () => stack.up(target)),
  );
}
