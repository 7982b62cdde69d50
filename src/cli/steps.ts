/** Engine events turned into per-add-on, per-object steps: what plan shows and apply reports. */
import { existsSync, readFileSync } from "node:fs";
import type { EngineEvent, Stack, StepEventMetadata } from "@pulumi/pulumi/automation";
import { z } from "zod";
import { scratchDir } from "../process/temp";
import { InventorySchema, keyOf } from "../release/inventory";
import { RELEASE_TYPE, WAIT_TYPE } from "../resources/urns";
import { PLAN_DIR_ENV, ReleasePlanSchema, objectLabel, planFileOf, whyKept } from "../release/plan";
import type { Step } from "./results";
import { leftBy, type PruneRule } from "../release/prune";
import { ADDON_TYPE, addonOf as addonOfResource, inAddon, urnParts } from "../resources/urns";

/** Resources that carry no change of their own: the stack, providers, and the add-on components. */
const CONTAINERS = new Set(["pulumi:pulumi:Stack", ADDON_TYPE]);

/**
 * The add-on a resource belongs to (its parent says). Spec-level tests and
 * the cluster binding sit outside any add-on.
 */
export function addonOf(urn: string, parent?: string): string {
  const a = addonOfResource({ urn, parent });
  if (a !== undefined) return a;
  return urnParts(urn).type === WAIT_TYPE ? "(tests)" : "(cluster)";
}

function objectOf(urn: string): string {
  const { type, name } = urnParts(urn);
  if (type.startsWith("kubernetes:")) return `${type.replace(/^kubernetes:/, "")} ${name}`;
  // Inside an add-on: a gate of a release recorded before its gates moved into it, leaving state.
  if (type === WAIT_TYPE)
    return inAddon(urn) ? `readiness ${name.split(":").slice(2).join(":")}` : `test ${name}`;
  return type.split(":").pop() ?? type;
}

export function stepOf(e: EngineEvent): Step | undefined {
  const m = e.resourcePreEvent?.metadata;
  if (!m || m.op === "same" || m.op === "read" || m.op === "refresh") return undefined;
  const addon = addonOf(m.urn, m.new?.parent ?? m.old?.parent);
  if (CONTAINERS.has(m.type) || m.type.startsWith("pulumi:providers:")) return undefined;
  // A Secret's diff is masked to its top-level fields; its keys are no secret, so name them.
  const fields =
    m.type === "kubernetes:core/v1:Secret" && m.detailedDiff
      ? Object.keys(m.detailedDiff).sort()
      : (m.diffs ?? []);
  return { addon, op: m.op, object: objectOf(m.urn), fields };
}

/**
 * What apply would do, as steps: a preview with no refresh pass, in which
 * each release compares its objects with the live cluster by server-side
 * dry-run; `exclude`: what the run leaves alone (excludesFor).
 */
export function planSteps(stack: Stack, prune: PruneRule, exclude?: string[]): Promise<Step[]> {
  return withPlanFolder(stack, async (dir) => {
    const steps: Step[] = [];
    await stack.preview({
      diff: true,
      ...(exclude ? { exclude } : {}),
      onEvent: (e) => steps.push(...stepsOf(e, prune, dir)),
    });
    return steps;
  });
}

/**
 * Runs an engine operation with a plan folder: each release's diff leaves
 * its per-object list there (release/plan.ts), which stepsOf reads.
 */
export async function withPlanFolder<T>(stack: Stack, op: (dir: string) => Promise<T>): Promise<T> {
  const dir = await scratchDir("plans");
  const env = (stack.workspace as { envVars?: Record<string, string> }).envVars;
  if (env) env[PLAN_DIR_ENV] = dir.path;
  try {
    return await op(dir.path);
  } finally {
    if (env) Reflect.deleteProperty(env, PLAN_DIR_ENV);
    await dir.remove();
  }
}

/** An engine event as steps: a release's, one per object (from the plan folder); anything else's, one. */
export function stepsOf(e: EngineEvent, prune: PruneRule, planFolder?: string): Step[] {
  const m = e.resourcePreEvent?.metadata;
  if (m?.type === RELEASE_TYPE && planFolder !== undefined) return releaseSteps(m, prune, planFolder);
  const s = stepOf(e);
  return s ? [s] : [];
}

const RecordedSchema = z.object({
  inventory: InventorySchema.default([]),
  kept: z.array(z.string()).default([]),
  handOff: z.boolean().default(false),
});

/** A release's step as one step per object: from its plan file, or from its inventory when it goes. */
function releaseSteps(m: StepEventMetadata, prune: PruneRule, dir: string): Step[] {
  const addon = addonOf(m.urn, m.new?.parent ?? m.old?.parent);
  if (m.op === "delete") {
    const old = RecordedSchema.parse(m.old?.outputs ?? {});
    const kept = new Set(old.kept);
    return [...old.inventory].reverse().map((e) => {
      const byPolicy = old.handOff || kept.has(keyOf(e));
      return {
        addon,
        op: byPolicy || !prune.prune ? "keep" : "delete",
        object: objectLabel(e),
        fields: [byPolicy ? whyKept(e, old.handOff) : leftBy(prune)],
      };
    });
  }
  if (m.op === "same") return [];
  const manifest = m.new?.inputs?.manifest;
  const file = typeof manifest === "string" ? planFileOf(dir, manifest) : "";
  if (!file || !existsSync(file)) return [{ addon, op: m.op, object: "release", fields: [] }];
  const plan = ReleasePlanSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  // Objects live as declared that this release has not recorded yet (a move, a take-over): recorded, not written.
  if (plan.changes.length === 0)
    return [
      { addon, op: m.op, object: "inventory", fields: ["records objects live as declared; writes none"] },
    ];
  return plan.changes.map((c) => ({
    addon,
    op: c.op,
    object: c.object,
    fields: c.op === "create" && c.drift ? ["(deleted in the cluster)"] : c.fields,
    ...(c.drift ? { drift: true } : {}),
  }));
}

/** The sign of each kind of change, in the text plan and the markdown one. */
export const SIGN: Record<string, string> = {
  create: "+",
  update: "~",
  delete: "-",
  replace: "+-",
  "create-replacement": "+-",
  keep: "=",
  upgrade: "~",
};

export function formatSteps(cluster: string, steps: Step[]): string {
  if (steps.length === 0) return `cluster ${cluster}: no changes`;
  const lines = [`cluster ${cluster}: ${steps.length} change${steps.length === 1 ? "" : "s"}`];
  const addons = [...new Set(steps.map((s) => s.addon))];
  for (const a of addons) {
    lines.push(`  ${a}`);
    for (const s of steps.filter((x) => x.addon === a)) {
      const fields = s.fields.length > 0 ? `  (${s.fields.join(", ")})` : "";
      lines.push(`    ${SIGN[s.op] ?? s.op} ${s.op.padEnd(7)} ${s.object}${fields}`);
    }
  }
  return lines.join("\n");
}
