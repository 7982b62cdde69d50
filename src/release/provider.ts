/**
 * The release's operations, run by the engine's dynamic-provider process:
 * apply the add-on's objects (server-side, in stages), prune what left the
 * add-on, delete everything on destroy. The objects come from a file the
 * program wrote for this run (`manifest`), so state holds only the inventory.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { K8sObjectSchema } from "../render/objects";
import { loadKubeconfig } from "../guard/identity";
import { applyAll, deleteAll } from "./apply";
import { InventorySchema, entryKey, entryOf, keyOf, newKey } from "./inventory";
import { Client } from "./client";
import { PLAN_DIR_ENV, planFileOf, planRelease } from "./plan";

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
  /**
   * The Kubernetes provider's field managers, when this release takes over
   * a per-object stack (engine/upgrade.ts): their fields count as Tazuna's
   * until the release applies the objects under its own name.
   */
  formerManagers: z.array(z.string()).optional(),
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

type ReleaseInputs = z.infer<typeof ReleaseInputsSchema>;

/**
 * A new release writes only what is not live as declared: on a fresh
 * cluster that is everything; taking over a per-object stack's objects,
 * usually nothing (they are recorded, not written).
 */
async function create(inputs: ReleaseInputs): Promise<ReleaseState> {
  const m = manifestOf(inputs.manifest);
  const key = newKey();
  const kc = await loadKubeconfig(inputs.kubeconfig, inputs.context);
  const api = Client.for(kc);
  let writes;
  try {
    ({ writes } = await planRelease(api, m.objects, m.claimedElsewhere, undefined, {
      key,
      former: inputs.formerManagers ?? [],
      ...(inputs.handOff ? { createOnly: true } : {}),
    }));
  } finally {
    api.close();
  }
  const deadline = Date.now() + inputs.timeoutSeconds * 1000;
  await applyAll(kc, writes, { deadline, ...(inputs.handOff ? { createOnly: true } : {}) });
  return { ...inputs, inventory: m.objects.map((o) => entryOf(o, key)), kept: m.kept, key };
}

/** An update applies every object under Tazuna's name, so no former manager's fields are counted any more. */
async function update(inputs: ReleaseInputs, old: ReleaseState): Promise<ReleaseState> {
  const m = manifestOf(inputs.manifest);
  const kc = await loadKubeconfig(inputs.kubeconfig, inputs.context);
  const deadline = Date.now() + inputs.timeoutSeconds * 1000;
  await applyAll(kc, m.objects, { deadline, ...(inputs.handOff ? { createOnly: true } : {}) });
  const now = new Set([...m.objects.map(entryKey), ...m.claimedElsewhere]);
  const kept = new Set(old.kept);
  const gone = old.inventory.filter((e) => !now.has(keyOf(e)) && !kept.has(keyOf(e)));
  await deleteAll(kc, gone.reverse(), deadline);
  const { formerManagers: _done, ...rest } = inputs;
  return {
    ...rest,
    inventory: m.objects.map((o) => entryOf(o, old.key)),
    kept: m.kept,
    key: old.key,
  };
}

/** The release's plan against the live cluster; left for the tazuna command that asked for it. */
async function planOf(inputs: ReleaseInputs, old: ReleaseState | undefined) {
  const m = manifestOf(inputs.manifest);
  const api = Client.for(await loadKubeconfig(inputs.kubeconfig, inputs.context));
  try {
    const { writes: _w, ...plan } = await planRelease(api, m.objects, m.claimedElsewhere, old, {
      key: old?.key ?? newKey(),
      former: old?.formerManagers ?? inputs.formerManagers ?? [],
      ...(inputs.handOff ? { createOnly: true } : {}),
    });
    const dir = process.env[PLAN_DIR_ENV];
    if (dir) writeFileSync(planFileOf(dir, inputs.manifest), JSON.stringify(plan), { mode: 0o600 });
    return plan;
  } finally {
    api.close();
  }
}

export const releaseOps = {
  create: async (inputs: unknown): Promise<pulumi.dynamic.CreateResult> => {
    const i = ReleaseInputsSchema.parse(inputs);
    return { id: i.label, outs: await create(i) };
  },
  update: async (_id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.UpdateResult> => ({
    outs: await update(ReleaseInputsSchema.parse(news), ReleaseStateSchema.parse(olds)),
  }),
  /** A new release: its plan (every object created, or taken over where it exists) for a command that asked. */
  check: async (olds: unknown, news: unknown): Promise<pulumi.dynamic.CheckResult> => {
    const i = ReleaseInputsSchema.safeParse(news);
    const isNew = Object.keys((olds ?? {}) as object).length === 0;
    if (isNew && i.success && process.env[PLAN_DIR_ENV] && existsSync(i.data.manifest))
      await planOf(i.data, undefined);
    return { inputs: news as Record<string, unknown> };
  },
  diff: async (_id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.DiffResult> => {
    const old = ReleaseStateSchema.parse(olds);
    const i = ReleaseInputsSchema.parse(news);
    // A refresh diffs the record against what read returned: no run wrote a manifest for it.
    if (!existsSync(i.manifest)) return { changes: false };
    const plan = await planOf(i, old);
    const settings = old.handOff !== i.handOff || old.timeoutSeconds !== i.timeoutSeconds;
    const changed = settings || plan.inventoryOnly || plan.changes.length > 0;
    // Dynamic providers cannot return a detailed diff: the per-object list goes to the plan file.
    return { changes: changed, replaces: [], deleteBeforeReplace: false };
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
