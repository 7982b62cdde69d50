/**
 * The tazuna.yaml schema. It accepts the Go implementation's format
 * (apiVersion tazuna.pepabo.com/v1; spec.manifests[] of kustomize, helmfile,
 * oras and genesissecret add-ons; test plugins; helmfile vars; environments;
 * providers) and adds helm, manifests and plugin add-ons, per-add-on
 * namespace, timeout and readiness, and shorter forms of tests and vars.
 * Unknown fields are errors (the Go tool ignores them, so typos pass there).
 * Here: the top level and the pieces the add-on types' blocks share; each
 * type's block is its module's (addon-types/), and one entry of
 * spec.manifests is assembled in declaration/manifest-schema.ts.
 */
import { z } from "zod";

export const NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;
export const RESERVED_NAMES = ["_metadata"];

/** "90s", "5m", "1h30m": how long to wait; stored as seconds. */
export const DurationSchema = z
  .string()
  .regex(/^(\d+h)?(\d+m)?(\d+s)?$/, { message: 'must be a duration like "90s", "5m" or "1h30m"' })
  .refine((s) => s.length > 0, { message: 'must be a duration like "90s", "5m" or "1h30m"' });

/** This project's short forms of a helmfile var: one key naming the source. */
const ShortVarSchema = z.union([
  z.strictObject({ static: z.string() }),
  z.strictObject({ env: z.string().min(1) }),
  z.strictObject({ op: z.string().min(1) }),
]);

/** A 1Password field in the Go tool's shape: the item's field matched by id or label. */
export const OpFieldSchema = z.strictObject({
  key: z.enum(["id", "label"]),
  vault: z.string().min(1),
  item: z.string().min(1),
  field: z.string().min(1),
});

/** A key of a file encrypted with sops (this project's addition), decrypted at render time. */
export const SopsFieldSchema = z.strictObject({
  file: z.string().min(1),
  key: z.string().min(1),
});

const EnvVarSchema = z.strictObject({ from: z.literal("env"), env: z.string().min(1) });
const OpVarSchema = z.strictObject({ from: z.literal("op"), op: OpFieldSchema });
const SopsVarSchema = z.strictObject({ from: z.literal("sops"), sops: SopsFieldSchema });

/** A value read at run time from where it is kept: a stack's `tazuna:vars` may be one of these. */
export const VarReferenceSchema = z.discriminatedUnion("from", [EnvVarSchema, OpVarSchema, SopsVarSchema]);
export type VarReference = z.infer<typeof VarReferenceSchema>;

/** The Go tool's helmfile var: `from` names the source, a key of the same name holds it. */
const GoVarSchema = z.discriminatedUnion("from", [
  EnvVarSchema,
  z
    .strictObject({
      from: z.literal("static"),
      static: z.string().optional(),
      staticSlice: z.array(z.string()).optional(),
      staticMap: z.record(z.string(), z.string()).optional(),
    })
    .refine((v) => [v.static, v.staticSlice, v.staticMap].filter((x) => x !== undefined).length === 1, {
      message: "from: static needs exactly one of static, staticSlice or staticMap",
    }),
  OpVarSchema,
  SopsVarSchema,
]);

export const VarSourceSchema = z.union([GoVarSchema, ShortVarSchema]);

/**
 * Values Tazuna passes to a render tool as arguments: each must have its
 * own format, so none can smuggle in a flag (`v1 --post-renderer x`) or
 * pass for one (a leading "-").
 */
export const ApiVersionSchema = z.string().regex(/^[A-Za-z0-9.-]+(\/[A-Za-z0-9.-]+){0,2}$/, {
  message: "must be an API version like monitoring.coreos.com/v1 (or group/version/Kind), nothing else",
});
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const NamespaceSchema = z.string().max(63).regex(DNS_LABEL, {
  message: "must be a Kubernetes namespace name: lower-case letters, digits and -, at most 63",
});
export const ReleaseNameSchema = z
  .string()
  .max(53)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    message: "must be a helm release name: lower-case letters, digits, - and ., at most 53",
  });
/** A chart, repository, version or reference: anything but an option. */
export const ArgumentSchema = z
  .string()
  .min(1)
  .refine((v) => !v.startsWith("-") && !/\s/.test(v), { message: "must not start with - or hold spaces" });

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

/** This project's short form of a test: a readiness check with a name. */
const ShortTestSchema = z.strictObject({
  name: z.string().min(1).optional(),
  waitUntil: WaitSchema,
});

const ResourceRefSchema = z.strictObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
});

const count = z.number().int().min(0).optional();

/** The Go tool's test plugin: WaitUntil (a CEL condition on one object) or ExistNonExist. */
const PluginTestSchema = z.strictObject({
  type: z.enum(["WaitUntil", "ExistNonExist"]),
  /** Not in the Go tool: a name for messages and the plan. */
  name: z.string().min(1).optional(),
  minConsecutiveSuccessCount: count,
  minConsecutiveFailureCount: count,
  timeoutSeconds: count,
  intervalSeconds: count,
  waitUntil: z
    .strictObject({
      resource: ResourceRefSchema,
      namespace: z.string().optional(),
      name: z.string().min(1),
      condition: z.string().min(1),
    })
    .optional(),
  existNonExist: z
    .strictObject({
      resource: ResourceRefSchema,
      namespace: z.string().optional(),
      name: z.string().min(1),
      shouldExist: z.boolean().optional(),
    })
    .optional(),
});

export const TestSchema = z.union([PluginTestSchema, ShortTestSchema]);

export const ReadinessSchema = z.strictObject({
  /** Skip the built-in waits (rollouts, CRDs Established, Jobs complete). */
  skip: z.boolean().optional(),
  waitFor: z.array(WaitSchema).optional(),
});

export const IgnoreFieldSchema = z.strictObject({
  kind: z.string().min(1),
  /** Only this object; default: every object of the kind in the add-on. */
  name: z.string().min(1).optional(),
  /** Dotted paths from the object's root, for example spec.replicas. */
  paths: z.array(z.string().regex(/^[^.]+(\.[^.]+)*$/, "a dotted path such as spec.replicas")).min(1),
});

export type IgnoreField = z.infer<typeof IgnoreFieldSchema>;

const MatchModeSchema = z.enum(["or", "and"]);

const EnvironmentSchema = z.strictObject({
  context_matches: z.array(z.string()).optional(),
  /** Empty inherits the root mode. */
  context_match_mode: z.union([MatchModeSchema, z.literal("")]).optional(),
});

/**
 * Where GenesisSecret values come from. The Go tool's `envfile` (and its
 * refused `onepassword`), plus: `env` (the caller's environment; items name
 * variables), `file` (uri file://PATH: a YAML, JSON or .env map in the
 * clear, for local use) and `sops` (uri sops://PATH: the same, encrypted
 * with sops, so it can live in git). An empty provider is 1Password.
 */
export const ProviderSchema = z.strictObject({
  name: z.string().min(1),
  type: z.enum(["envfile", "onepassword", "env", "file", "sops"]),
  onepassword: z.strictObject({}).optional(),
  envfile: z.strictObject({ path: z.string().min(1) }).optional(),
});

/** The file's top level; each add-on is checked on its own (ManifestSchema), so one broken entry hides no other problem. */
export const TazunaFileSchema = z.strictObject({
  apiVersion: z.literal("tazuna.pepabo.com/v1").optional(),
  kind: z.literal("Tazuna").optional(),
  spec: z.strictObject({
    manifests: z.array(z.unknown()).describe("The add-ons, applied in dependsOn order."),
    context_matches: z
      .array(z.string())
      .optional()
      .describe("Regular expressions (RE2) the kubeconfig context must match, or nothing is applied."),
    context_match_mode: MatchModeSchema.optional().describe(
      "or: any pattern matches (default); and: all must.",
    ),
    environments: z
      .record(z.string(), EnvironmentSchema.nullable())
      .optional()
      .describe("Named environments for -e, each with its own guard; rendered as {{ .Environment }}."),
    tests: z.array(TestSchema).optional().describe("Checks run after every add-on is ready."),
    minimumSupportedTazunaVersion: z
      .string()
      .optional()
      .describe("The oldest Tazuna that may apply this file."),
    providers: z.array(ProviderSchema).optional().describe("Where GenesisSecret values come from."),
  }),
});

export type TazunaFile = z.infer<typeof TazunaFileSchema>;
export type Wait = z.infer<typeof WaitSchema>;
export type Test = z.infer<typeof TestSchema>;
export type PluginTest = z.infer<typeof PluginTestSchema>;
export type VarSource = z.infer<typeof VarSourceSchema>;
export type Provider = z.infer<typeof ProviderSchema>;
