/**
 * The release's operations, run by the engine's dynamic-provider process:
 * apply the add-on's objects (server-side, in stages), prune what left the
 * add-on, delete everything on destroy. The objects come from a file the
 * program wrote for this run (`manifest`), so state holds only the inventory.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { K8sObjectSchema } from "../kube/objects";
import { loadKubeconfig } from "../kube/kubeconfig";
import { applyAll, deleteAll } from "./apply";
import { InventorySchema, entryKey, entryOf, keyOf, newKey } from "./inventory";
import { Client } from "../kube/client";
import { PLAN_DIR_ENV, planFileOf, planRelease } from "./plan";
import { logPlan } from "./engine-log";
import { GateSchema, waitAll } from "./ready";
import { runHooks } from "./hooks";
import { configurePrune, pruneRule } from "./prune";
import { HookSchema, type HookPhase } from "../render/hooks";
import { inProviderSpan, inSpan } from "../trace/spans";
import { recordingOps } from "../errors/failures";

/** What the program hands the release for one run, in its manifest file. */
export const ReleaseManifestSchema = z.object({
  objects: z.array(K8sObjectSchema),
  /** Objects another add-on declares now: never pruned from this one (a move, not a removal). */
  claimedElsewhere: z.array(z.string()),
  /** Objects that outlive the release (CRDs without pruneCrds, helm's keep, the hand-off). */
  kept: z.array(z.string()),
  /** Objects taken as they are live (tazuna migrate, state fold): recorded, never written by this run. */
  recordOnly: z.array(z.string()).default([]),
  /** The add-on's readiness checks, waited for in this process once its objects are applied. */
  gates: z.array(GateSchema).default([]),
  /** The chart's helm hooks, run around the objects (release/hooks.ts); never in state. */
  hooks: z.array(HookSchema).default([]),
});
export type ReleaseManifest = z.infer<typeof ReleaseManifestSchema>;

export const ReleaseInputsSchema = z.object({
  label: z.string(),
  kubeconfig: z.string(),
  context: z.string(),
  manifest: z.string(),
  timeoutSeconds: z.number(),
  handOff: z.boolean().optional(),
  /** The provider's code as by-path.ts stores it: kept with a release recorded as not ready. */
  __provider: z.string().optional(),
  /** A digest of the manifest's gates: a changed check waits again. */
  readiness: z.string().optional(),
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

function manifestOf(file: string): ReleaseManifest {
  return ReleaseManifestSchema.parse(JSON.parse(readFileSync(file, "utf8")));
}

type ReleaseInputs = z.infer<typeof ReleaseInputsSchema>;

/**
 * The release's plan against the live cluster, once per run: the engine's
 * dynamic-provider process serves one engine run, whose diff (or check, for
 * a new release) plans and whose create or update then writes what the plan
 * found, nothing else. Left in the plan folder for the command that asked.
 */
const planned = new Map<string, ReturnType<typeof planOnce>>();

function planOf(inputs: ReleaseInputs, old: ReleaseState | undefined) {
  let p = planned.get(inputs.manifest);
  if (!p) {
    p = planOnce(inputs, old);
    planned.set(inputs.manifest, p);
    p.catch(() => planned.delete(inputs.manifest));
  }
  return p;
}

async function planOnce(inputs: ReleaseInputs, old: ReleaseState | undefined) {
  const m = manifestOf(inputs.manifest);
  const api = Client.for(await loadKubeconfig(inputs.kubeconfig, inputs.context));
  try {
    const { writes, ...plan } = await planRelease(api, m.objects, m.claimedElsewhere, old, {
      key: old?.key ?? newKey(),
      prune: pruneRule(),
      former: old?.formerManagers ?? inputs.formerManagers ?? [],
      recordOnly: new Set(m.recordOnly),
      ...(inputs.handOff ? { createOnly: true } : {}),
    });
    const dir = process.env[PLAN_DIR_ENV];
    if (dir) writeFileSync(planFileOf(dir, inputs.manifest), JSON.stringify(plan), { mode: 0o600 });
    else await logPlan(inputs.label, plan);
    return { plan, writes, manifest: m };
  } finally {
    api.close();
  }
}

/**
 * One run of the release, as helm upgrades a release: the pre hooks, then
 * only what is not live as declared (on a fresh cluster, everything; taking
 * over a per-object stack, usually nothing), the prune of what left the
 * add-on, its readiness checks, the post hooks.
 */
async function apply(inputs: ReleaseInputs, old: ReleaseState | undefined): Promise<ReleaseState> {
  const { writes, manifest: m } = await planOf(inputs, old);
  const api = Client.for(await loadKubeconfig(inputs.kubeconfig, inputs.context));
  const event = old ? "upgrade" : "install";
  const hooks = (phase: HookPhase) =>
    runHooks(api, m.hooks, {
      label: inputs.label,
      phase,
      event,
      deadline: Date.now() + inputs.timeoutSeconds * 1000,
      timeoutSeconds: inputs.timeoutSeconds,
    });
  try {
    if (m.hooks.length > 0) await inSpan("hooks pre", {}, () => hooks("pre"));
    const state = await applyAndPrune(api, inputs, old, writes, m);
    try {
      await inSpan("ready", { "tazuna.checks": m.gates.length }, () => waitAll(api, m.gates, inputs.label));
      if (m.hooks.length > 0) await inSpan("hooks post", {}, () => hooks("post"));
    } catch (err) {
      // Applied but not ready: the engine records the release (its inventory) and retries it next run.
      throw new NotReadyRelease((err as Error).message, inputs.label, state);
    }
    return state;
  } finally {
    api.close();
  }
}

/**
 * A release applied but not ready. The dynamic-provider host turns an error
 * with an id and properties into the engine's "created but failed to
 * initialize", so state keeps the inventory of what was written.
 */
class NotReadyRelease extends Error {
  readonly reasons: string[];
  readonly properties: ReleaseState;

  constructor(
    message: string,
    readonly id: string,
    state: ReleaseState,
  ) {
    super(message);
    this.reasons = [message];
    this.properties = state;
  }
}

/** Fields of a former manager stay counted as Tazuna's until every object has been applied under its own name. */
async function applyAndPrune(
  api: Client,
  inputs: ReleaseInputs,
  old: ReleaseState | undefined,
  writes: ReleaseManifest["objects"],
  m: ReleaseManifest,
): Promise<ReleaseState> {
  const key = old?.key ?? newKey();
  const deadline = Date.now() + inputs.timeoutSeconds * 1000;
  await inSpan("write", { "tazuna.objects.written": writes.length }, () =>
    applyAll(api, writes, { deadline, ...(inputs.handOff ? { createOnly: true } : {}) }),
  );
  // Without prune, what left the add-on leaves the inventory below and stays in the cluster.
  if (old && pruneRule().prune) {
    const now = new Set([...m.objects.map(entryKey), ...m.claimedElsewhere]);
    const kept = new Set(old.kept);
    const gone = old.inventory.filter((e) => !now.has(keyOf(e)) && !kept.has(keyOf(e)));
    await inSpan("prune", { "tazuna.objects.deleted": gone.length }, () =>
      deleteAll(api, gone.reverse(), deadline),
    );
  }
  const former = old?.formerManagers ?? inputs.formerManagers;
  const { formerManagers: _f, ...rest } = inputs;
  return {
    ...rest,
    ...(former && former.length > 0 ? { formerManagers: former } : {}),
    inventory: m.objects.map((o) => entryOf(o, key)),
    kept: m.kept,
    key,
  };
}

/** A release recorded before its gates moved into it had them as resources of their own, already passed. */
const readinessChanged = (old: ReleaseState, i: ReleaseInputs) =>
  old.readiness !== undefined && old.readiness !== i.readiness;

export const releaseOps = recordingOps({
  configure: async (req: pulumi.dynamic.ConfigureRequest): Promise<void> => {
    configurePrune(req.config.get("tazuna:prune"));
  },
  create: async (inputs: unknown): Promise<pulumi.dynamic.CreateResult> => {
    const i = ReleaseInputsSchema.parse(inputs);
    return { id: i.label, outs: await inProviderSpan("apply", i.label, () => apply(i, undefined)) };
  },
  update: async (_id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.UpdateResult> => {
    const i = ReleaseInputsSchema.parse(news);
    return { outs: await inProviderSpan("apply", i.label, () => apply(i, ReleaseStateSchema.parse(olds))) };
  },
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
    const { plan } = await planOf(i, old);
    const settings =
      old.handOff !== i.handOff || old.timeoutSeconds !== i.timeoutSeconds || readinessChanged(old, i);
    const changed = settings || plan.inventoryOnly || plan.changes.length > 0;
    // Dynamic providers cannot return a detailed diff: the per-object list goes to the plan file.
    return { changes: changed, replaces: [], deleteBeforeReplace: false };
  },
  delete: async (_id: string, props: unknown): Promise<void> => {
    const s = ReleaseStateSchema.parse(props);
    // A removed add-on's objects are left, as a removed object's are, when prune is off (tazuna destroy turns it on).
    if (s.handOff || !pruneRule().prune) return;
    const kept = new Set(s.kept);
    const refs = s.inventory.filter((e) => !kept.has(keyOf(e))).reverse();
    await inProviderSpan("delete", s.label, async () => {
      const api = Client.for(await loadKubeconfig(s.kubeconfig, s.context));
      try {
        await deleteAll(api, refs, Date.now() + s.timeoutSeconds * 1000);
      } finally {
        api.close();
      }
    });
  },
});
