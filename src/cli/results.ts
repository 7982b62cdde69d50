/**
 * What `--output json` prints, as zod schemas: the types the commands build,
 * and (through scripts/gen-schemas.ts) the JSON Schema files under schemas/
 * that users can validate against. Bump SCHEMA_VERSION on any breaking change.
 */
import { z } from "zod";

export const SCHEMA_VERSION = 1;

const base = { schemaVersion: z.literal(SCHEMA_VERSION), cluster: z.string() };
const objectRef = { addon: z.string(), kind: z.string(), namespace: z.string(), name: z.string() };

export const StepSchema = z.object({
  addon: z.string().describe('the add-on, or "(cluster)" for the binding and "(tests)" for spec-level tests'),
  op: z.string().describe("create, update, delete, replace, create-replacement, delete-replaced, ..."),
  object: z
    .string()
    .describe("group/version:Kind namespace/name (the core group named core), or readiness/test gate"),
  fields: z.array(z.string()).describe("changed properties, for updates"),
  drift: z
    .boolean()
    .optional()
    .describe("true when the change puts back an edit made in the cluster (the declaration did not change)"),
});
export type Step = z.infer<typeof StepSchema>;

export const PlanSchema = z.object({
  ...base,
  changes: z.array(StepSchema),
  vars: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      "where each ${vars.NAME} value came from: --var, --var-file FILE or the stack file (never the value)",
    ),
});
export type PlanResult = z.infer<typeof PlanSchema>;

export const ApplySchema = z.object({
  ...base,
  result: z.enum(["succeeded", "failed", "in-progress", "not-started"]),
  tags: z.array(z.string()).describe("--tags given; empty when every add-on was applied"),
  addons: z
    .array(z.string())
    .describe("the add-ons applied (with --tags: the tagged ones and their dependencies)"),
  changes: z.array(StepSchema),
  recovered: z.array(z.string()).describe("what Tazuna cleaned up from an interrupted run before applying"),
  prunedLeftovers: z
    .array(z.string())
    .describe(
      "with --prune-leftovers: the undeclared objects deleted (TYPE.VERSION.GROUP/NAME -n NAMESPACE)",
    ),
  elapsedMs: z.number(),
});
export type ApplyResult = z.infer<typeof ApplySchema>;

export const StatusSchema = z.object({
  ...base,
  lastApply: z.object({ kind: z.string(), result: z.string(), endTime: z.string().optional() }).nullable(),
  addons: z.array(
    z.object({
      addon: z.string(),
      version: z.string().describe("declared chart version or the objects' version label; empty if none"),
      digest: z.string().describe("sha256 of the rendered objects last applied"),
      objects: z.number(),
      workloads: z.number(),
      ready: z.boolean().describe("every object of the add-on is Ready now"),
      notReady: z.array(z.string()).describe("Kind/namespace/name of its objects not Ready now"),
    }),
  ),
  objects: z
    .array(
      z.object({
        ...objectRef,
        state: z.enum(["Ready", "NotReady", "Missing", "Error"]),
        reason: z.string().describe("why it is not Ready (kstatus' rules), or the error; empty when Ready"),
      }),
    )
    .describe("every object the add-ons installed, as the Go tool's status lists them"),
});
export type StatusResult = z.infer<typeof StatusSchema>;

export const StateListSchema = z.object({
  ...base,
  objects: z.array(
    z.object({
      ...objectRef,
      apiVersion: z.string(),
      /** Left in the cluster when its add-on goes: a CRD, helm's keep, a hand-off. */
      retained: z.boolean(),
    }),
  ),
});
export type StateListResult = z.infer<typeof StateListSchema>;

export const StateDiffSchema = z.object({
  ...base,
  diff: z.array(z.object({ change: z.enum(["added", "removed", "modified"]), ...objectRef })),
});
export type StateDiffResult = z.infer<typeof StateDiffSchema>;

export const DriftEntrySchema = z.object({
  drift: z.enum(["changed", "deleted", "undeclared"]),
  ...objectRef,
  fields: z.array(z.string()),
});
export const DriftSchema = z.object({ ...base, drift: z.array(DriftEntrySchema) });
export type DriftResult = z.infer<typeof DriftSchema>;

export const ClusterDiffSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  clusters: z.tuple([z.string(), z.string()]),
  declared: z.array(
    z.object({ only: z.enum(["a", "b", "both"]), ...objectRef, fields: z.array(z.string()) }),
  ),
  live: z.array(z.object({ only: z.enum(["a", "b", "both"]), ...objectRef, fields: z.array(z.string()) })),
});
export type ClusterDiffResult = z.infer<typeof ClusterDiffSchema>;

export const ErrorSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  cluster: z.string().optional(),
  error: z.object({ message: z.string(), exitCode: z.number() }),
});

/** One cluster's outcome in a run over several (--all or --cluster a,b). */
export const FanOutSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  command: z.string(),
  exitCode: z.number(),
  clusters: z.array(
    z.object({
      cluster: z.string(),
      exitCode: z.number(),
      elapsedMs: z.number(),
      startedAt: z.number().describe("ms since the epoch when the cluster's run started"),
      summary: z.string(),
      result: z.unknown().optional().describe("the single-cluster JSON document of the command"),
      error: z.string().optional(),
    }),
  ),
});
export type FanOutResult = z.infer<typeof FanOutSchema>;

/** The schema files written to schemas/<name>.schema.json. */
export const VerifySchema = z.object({
  ...base,
  ok: z.boolean(),
  failedStep: z.string().optional().describe("the step that failed"),
  steps: z.array(
    z.object({ step: z.string(), ok: z.boolean(), seconds: z.number(), detail: z.string().optional() }),
  ),
  addons: z
    .array(z.object({ addon: z.string(), state: z.string(), seconds: z.number() }))
    .describe("each add-on's state at the end of the apply, and its time to ready"),
});
export type VerifyResult = z.infer<typeof VerifySchema>;

export const ChartListSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  charts: z.array(
    z.object({
      addon: z.string(),
      release: z.string(),
      chart: z.string(),
      file: z.string().describe("the file that declares the release: tazuna.yaml, or the helmfile"),
      version: z
        .string()
        .describe("the declared version; a chart folder's Chart.yaml version; empty: none given"),
      source: z
        .string()
        .describe("an HTTP repository's URL, an oci:// reference, or empty for a chart folder"),
      plainHTTP: z.boolean(),
      latest: z.string().optional().describe("--check-latest: the newest version the repository offers"),
      error: z.string().optional().describe("--check-latest: why the repository could not be asked"),
    }),
  ),
});
export type ChartListResult = z.infer<typeof ChartListSchema>;

export const SCHEMAS = {
  plan: PlanSchema,
  apply: ApplySchema,
  status: StatusSchema,
  "state-list": StateListSchema,
  "state-diff": StateDiffSchema,
  drift: DriftSchema,
  "diff-clusters": ClusterDiffSchema,
  error: ErrorSchema,
  "fan-out": FanOutSchema,
  verify: VerifySchema,
  "chart-list": ChartListSchema,
} as const;
