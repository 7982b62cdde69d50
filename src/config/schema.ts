/**
 * The tazuna.yaml schema. It accepts the Go implementation's format
 * (apiVersion tazuna.pepabo.com/v1, spec.manifests[] with kustomize, helmfile
 * and oras add-ons) and adds helm, manifests and plugin add-ons plus
 * per-add-on namespace, timeout and readiness. Unknown fields are errors.
 */
import { z } from "zod";

export const NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;
export const RESERVED_NAMES = ["_metadata"];

/** "90s", "5m", "1h30m": how long to wait; stored as seconds. */
export const DurationSchema = z
  .string()
  .regex(/^(\d+h)?(\d+m)?(\d+s)?$/, { message: 'must be a duration like "90s", "5m" or "1h30m"' })
  .refine((s) => s.length > 0, { message: 'must be a duration like "90s", "5m" or "1h30m"' });

const VarSourceSchema = z.union([
  z.strictObject({ static: z.string() }),
  z.strictObject({ env: z.string().min(1) }),
  z.strictObject({ op: z.string().min(1) }),
]);

const KustomizeSchema = z.strictObject({
  defaultNamespace: z.string().min(1).optional(),
});

const HelmfileSchema = z.strictObject({
  vars: z.record(z.string(), VarSourceSchema).optional(),
  environment: z.string().min(1).optional(),
  includeCRDs: z.boolean().optional(),
  wait: z.boolean().optional(),
  kubeVersion: z.string().min(1).optional(),
});

const HelmSchema = z.strictObject({
  /** A chart folder (relative to the file) or a chart name in `repo`. */
  chart: z.string().min(1).optional(),
  repo: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
  releaseName: z.string().min(1).optional(),
  valuesFiles: z.array(z.string().min(1)).optional(),
  values: z.record(z.string(), z.unknown()).optional(),
  includeCRDs: z.boolean().optional(),
  kubeVersion: z.string().min(1).optional(),
});

const ManifestsSchema = z.strictObject({
  /** Files or folders, relative to `path` when given, else to the file. */
  files: z.array(z.string().min(1)).min(1).optional(),
  recursive: z.boolean().optional(),
});

const PluginSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
});

const OrasSchema = z.strictObject({
  reference: z.string().min(1),
  delegate: z.strictObject({ type: z.enum(["helmfile", "kustomize"]) }),
});

/** A readiness check: wait until an object reaches a condition or a field value. */
export const WaitSchema = z.strictObject({
  kind: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
  apiVersion: z.string().min(1).optional(),
  /** A status condition type that must be "True", e.g. Available, Established. */
  condition: z.string().min(1).optional(),
  /** A JSONPath and the value it must have, e.g. "{.status.phase}=Active". */
  jsonpath: z
    .string()
    .regex(/^\{.+\}=.*$/, { message: 'must look like "{.status.phase}=Active"' })
    .optional(),
  timeout: DurationSchema.optional(),
});

export const TestSchema = z.strictObject({
  name: z.string().min(1).optional(),
  waitUntil: WaitSchema,
});

const ReadinessSchema = z.strictObject({
  /** Skip the built-in waits (rollouts, CRDs Established, Jobs complete). */
  skip: z.boolean().optional(),
  waitFor: z.array(WaitSchema).optional(),
});

export const ADDON_TYPES = [
  "kustomize",
  "helmfile",
  "helm",
  "manifests",
  "plugin",
  "oras",
  "genesissecret",
] as const;

export const ManifestSchema = z.strictObject({
  // Optional only for an entry that holds includes, which the included add-ons replace (as in the Go tool).
  name: z.string().optional(),
  description: z.string().optional(),
  type: z.enum(ADDON_TYPES).optional(),
  path: z.string().min(1).optional(),
  tags: z.array(z.string().min(1)).optional(),
  dependsOn: z.array(z.string()).optional(),
  includes: z.array(z.strictObject({ path: z.string().min(1) })).optional(),
  namespace: z.string().min(1).optional(),
  timeout: DurationSchema.optional(),
  readiness: ReadinessSchema.optional(),
  kustomize: KustomizeSchema.optional(),
  helmfile: HelmfileSchema.optional(),
  helm: HelmSchema.optional(),
  manifests: ManifestsSchema.optional(),
  plugin: PluginSchema.optional(),
  oras: OrasSchema.optional(),
  genesisSecret: z.strictObject({}).optional(),
  tests: z.array(TestSchema).optional(),
});

export const TazunaFileSchema = z.strictObject({
  apiVersion: z.literal("tazuna.pepabo.com/v1").optional(),
  kind: z.literal("Tazuna").optional(),
  spec: z.strictObject({
    manifests: z.array(ManifestSchema).min(1),
    context_matches: z.array(z.string()).optional(),
    context_match_mode: z.enum(["or", "and"]).optional(),
    tests: z.array(TestSchema).optional(),
    minimumSupportedTazunaVersion: z.string().optional(),
  }),
});

export type TazunaFile = z.infer<typeof TazunaFileSchema>;
export type ManifestEntry = z.infer<typeof ManifestSchema>;
export type AddonType = (typeof ADDON_TYPES)[number];
export type Wait = z.infer<typeof WaitSchema>;
export type Test = z.infer<typeof TestSchema>;
