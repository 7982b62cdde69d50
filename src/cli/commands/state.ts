/** `tazuna state list|diff|drift`: what state records, how the declaration differs from it, how the cluster does. */
import type { Command } from "commander";
import { renderAll } from "../../addon-types";
import { diffStateAgainst } from "../../state/diff";
import { ownedFields, scaleTargets } from "../../program/ownership";
import { driftOf, type DriftEntry } from "../../live/drift";
import { planSteps } from "../steps";
import { labelParts } from "../../release/plan";
import type { Step } from "../results";
import { installedObjects } from "../../state/inventory";
import { EXIT } from "../../errors/exit-codes";
import { runPerCluster, type ClusterCommand } from "../per-cluster";
import type { GlobalOptions } from "../project";
import {
  DriftSchema,
  SCHEMA_VERSION,
  StateDiffSchema,
  StateListSchema,
  type DriftResult,
  type StateDiffResult,
  type StateListResult,
} from "../results";
import { openClusterStack } from "../cluster-stack";
import { registerFold } from "./fold";

/**
 * The plan's changes that put back an edit made in the cluster: the same
 * dry-run comparison as `tazuna plan`, so the two agree field for field.
 */
export function editsOf(steps: readonly Step[]): DriftEntry[] {
  return steps.flatMap((s): DriftEntry[] => {
    if (!s.drift) return [];
    const base = { addon: s.addon, ...labelParts(s.object) };
    return s.op === "create"
      ? [{ drift: "deleted" as const, ...base, fields: [] }]
      : [{ drift: "changed" as const, ...base, fields: s.fields }];
  });
}

const row = (...cells: string[]) => cells.map((c) => c || "-").join("\t");

export const listCommand: ClusterCommand<StateListResult> = {
  name: "state list",
  schema: StateListSchema,
  run: async (opts, cluster) => {
    const { stack } = await openClusterStack(opts, cluster, undefined, { offline: true });
    const objects = (await installedObjects(stack)).map(
      ({ applied: _a, urn: _u, fingerprint: _f, ...o }) => o,
    );
    return { schemaVersion: SCHEMA_VERSION, cluster, objects };
  },
  format: (r) => r.objects.map((o) => row(o.addon, o.kind, o.namespace, o.name)).join("\n"),
  summarize: (r) => `${r.objects.length} objects`,
  exitOf: () => EXIT.ok,
};

export const diffCommand: ClusterCommand<StateDiffResult> = {
  name: "state diff",
  schema: StateDiffSchema,
  run: async (opts, cluster) => {
    const { stack, target } = await openClusterStack(opts, cluster, undefined, { offline: true });
    const addons = target.declaration.addons;
    const rendered = await renderAll(addons);
    // As apply sends them; offline, so only the HPAs declared here count (apply also asks the cluster).
    const scaled = scaleTargets([...rendered.values()].flat());
    const applied = new Map(
      addons.map((a) => [a.name, ownedFields(rendered.get(a.name) ?? [], scaled, a.ignoreFields)]),
    );
    const diff = diffStateAgainst(applied, await installedObjects(stack));
    return { schemaVersion: SCHEMA_VERSION, cluster, diff };
  },
  format: (r) =>
    r.diff.length === 0
      ? `cluster ${r.cluster}: declaration and state agree`
      : r.diff.map((d) => row(d.change, d.addon, d.kind, d.namespace, d.name)).join("\n"),
  summarize: (r) => (r.diff.length === 0 ? "agree" : `${r.diff.length} differences`),
  exitOf: (r) => (r.diff.length > 0 ? EXIT.changes : EXIT.ok),
};

export const driftCommand: ClusterCommand<DriftResult> = {
  name: "state drift",
  schema: DriftSchema,
  run: async (opts, cluster) => {
    const { stack, target, kubeconfig, checkIdentity, prune } = await openClusterStack(opts, cluster);
    await checkIdentity();
    return {
      schemaVersion: SCHEMA_VERSION,
      cluster,
      drift: await driftOf(stack, kubeconfig, target.settings.context, async () =>
        editsOf(await planSteps(stack, prune)),
      ),
    };
  },
  format: (r) =>
    r.drift.length === 0
      ? `cluster ${r.cluster}: no drift`
      : r.drift
          .map((d) => `${row(d.drift, d.addon, d.kind, d.namespace, d.name)}\t${d.fields.join(",")}`)
          .join("\n"),
  summarize: (r) => (r.drift.length === 0 ? "no drift" : `${r.drift.length} drifted`),
  exitOf: (r) => (r.drift.length > 0 ? EXIT.changes : EXIT.ok),
};

export function register(program: Command, globals: () => GlobalOptions): void {
  const state = program.command("state").description("inspect what the stack's state records");
  registerFold(state, globals);
  state
    .command("list")
    .description("list the objects state says are installed: add-on, kind, namespace, name")
    .addHelpText("after", "\nExample:\n  tazuna state list --cluster staging --output json")
    .action(() => runPerCluster(globals(), listCommand));
  state
    .command("diff")
    .description(
      "compare the declaration with state, without touching the cluster (exit 2 when they differ, with --detailed-exitcode)",
    )
    .addHelpText("after", "\nExample:\n  tazuna state diff --cluster staging")
    .action(() => runPerCluster(globals(), diffCommand));
  state
    .command("drift")
    .description(
      "compare state with the live cluster: changed or deleted by hand, and undeclared leftovers (exit 2 on drift, with --detailed-exitcode)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  tazuna state drift --cluster production -o json --detailed-exitcode  # on a schedule: with --detailed-exitcode, exit 2 means drift\n  tazuna state drift --all",
    )
    .action(() => runPerCluster(globals(), driftCommand));
}
