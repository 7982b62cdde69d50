/**
 * The release's operations, run by the engine's dynamic-provider process:
 * apply the add-on's objects (server-side, in stages), prune what left the
 * add-on, delete everything on destroy. The objects come from a file the
 * program wrote for this run (`manifest`), so state holds only the inventory.
 */
import { existsSync, readFileSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { K8sObjectSchema, type K8sObject } from "../render/objects";
import { loadKubeconfig } from "../guard/identity";
import { applyAll, deleteAll } from "./apply";
import { InventorySchema, entryKey, entryOf, keyOf, newKey, type Entry } from "./inventory";

/** What the program hands the release for one run, in its manifest file. */
export const ManifestSchema = z.object({
  objects: z.array(K8sObjectSchema),
  /** Objects another add-on declares now: never pruned from this one (a move, not a removal). */
  claimedElsewhere: z.array(z.string()),
  /** Objects that outlive the release (CRDs without pruneCrds, helm's keep, the hand-off). */
  kept: z.array(z.string()),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export const ReleaseInputsSchema = z.object({
  label: z.string(),
  kubeconfig: z.string(),
  context: z.string(),
  manifest: z.string(),
  timeoutSeconds: z.number(),
  handOff: z.boolean().optional(),
});

const ReleaseStateSchema = ReleaseInputsSchema.extend({
  inventory: InventorySchema,
  /** Objects recorded as kept, by key: a destroy leaves them. */
  kept: z.array(z.string()).default([]),
  key: z.string(),
});
type ReleaseState = z.infer<typeof ReleaseStateSchema>;

function manifestOf(file: string): Manifest {
  return ManifestSchema.parse(JSON.parse(readFileSync(file, "utf8")));
}

async function apply(
  inputs: z.infer<typeof ReleaseInputsSchema>,
  old: ReleaseState | undefined,
): Promise<ReleaseState> {
  const m = manifestOf(inputs.manifest);
  const key = old?.key ?? newKey();
  const kc = await loadKubeconfig(inputs.kubeconfig, inputs.context);
  const deadline = Date.now() + inputs.timeoutSeconds * 1000;
  await applyAll(kc, m.objects, { deadline, ...(inputs.handOff ? { createOnly: true } : {}) });
  const inventory = m.objects.map((o) => entryOf(o, key));
  if (old) {
    const now = new Set([...m.objects.map(entryKey), ...m.claimedElsewhere]);
    const kept = new Set(old.kept);
    const gone = old.inventory.filter((e) => !now.has(keyOf(e)) && !kept.has(keyOf(e)));
    await deleteAll(kc, gone.reverse(), deadline);
  }
  return { ...inputs, inventory, kept: m.kept, key };
}

/** The per-object changes between the recorded inventory and this run's objects. */
export function changesOf(
  old: readonly Entry[],
  objects: readonly K8sObject[],
  key: string,
): Record<string, string> {
  const before = new Map(old.map((e) => [keyOf(e), e.fingerprint]));
  const out: Record<string, string> = {};
  for (const o of objects) {
    const k = entryKey(o);
    const fp = before.get(k);
    if (fp === undefined) out[k] = "add";
    else if (fp !== entryOf(o, key).fingerprint) out[k] = "update";
    before.delete(k);
  }
  for (const k of before.keys()) out[k] = "delete";
  return out;
}

export const releaseOps = {
  create: async (inputs: unknown): Promise<pulumi.dynamic.CreateResult> => {
    const i = ReleaseInputsSchema.parse(inputs);
    return { id: i.label, outs: await apply(i, undefined) };
  },
  update: async (_id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.UpdateResult> => ({
    outs: await apply(ReleaseInputsSchema.parse(news), ReleaseStateSchema.parse(olds)),
  }),
  diff: async (_id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.DiffResult> => {
    const old = ReleaseStateSchema.parse(olds);
    const i = ReleaseInputsSchema.parse(news);
    // A refresh diffs the record against what read returned: no run wrote a manifest for it.
    if (!existsSync(i.manifest)) return { changes: false };
    const changes = changesOf(old.inventory, manifestOf(i.manifest).objects, old.key);
    const settings = old.handOff !== i.handOff || old.timeoutSeconds !== i.timeoutSeconds;
    // Dynamic providers cannot return a detailed diff: the plan's per-object list comes from the program.
    return { changes: settings || Object.keys(changes).length > 0, replaces: [], deleteBeforeReplace: false };
  },
  delete: async (_id: string, props: unknown): Promise<void> => {
    const s = ReleaseStateSchema.parse(props);
    if (s.handOff) return;
    const kept = new Set(s.kept);
    const refs = s.inventory.filter((e) => !kept.has(keyOf(e))).reverse();
    const kc = await loadKubeconfig(s.kubeconfig, s.context);
    await deleteAll(kc, refs, Date.now() + s.timeoutSeconds * 1000);
  },
};
