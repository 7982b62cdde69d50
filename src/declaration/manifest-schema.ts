/**
 * One entry of spec.manifests: the fields every add-on has, and each type's
 * block under its field (addon-types/). Entries are checked one by one, so
 * one broken add-on hides no other problem.
 */
import { z } from "zod";
import { ADDON_TYPES, ADDON_TYPE_NAMES, type Types } from "../addon-types";
import {
  DurationSchema,
  IgnoreFieldSchema,
  NamespaceSchema,
  ReadinessSchema,
  TestSchema,
} from "../config/schema";

const COMMON = {
  // Optional only for an entry that holds includes, which the included add-ons replace (as in the Go tool).
  name: z.string().optional().describe("The add-on's name: letters, digits, _ and -; unique in the file."),
  description: z.string().optional(),
  type: z
    .enum(ADDON_TYPE_NAMES)
    .optional()
    .describe("How the add-on is rendered; its block of the same name holds the settings."),
  path: z.string().min(1).optional().describe("The folder or file rendered, relative to this file."),
  tags: z.array(z.string().min(1)).optional().describe("Names to select add-ons with -t/--tags."),
  dependsOn: z.array(z.string()).optional().describe("Add-ons applied and ready before this one."),
  includes: z
    .array(z.strictObject({ path: z.string().min(1) }))
    .optional()
    .describe("Other tazuna.yaml files whose add-ons replace this entry."),
  namespace: NamespaceSchema.optional().describe(
    "The namespace of the add-on's namespaced objects that name none.",
  ),
  timeout: DurationSchema.optional().describe('How long the add-on may take to become ready, e.g. "5m".'),
  readiness: ReadinessSchema.optional().describe("What ready means beyond the built-in waits."),
};

const AFTER_BLOCKS = {
  tests: z
    .array(TestSchema)
    .optional()
    .describe("Checks run after the add-on is ready; a failure stops the apply."),
  pruneCrds: z
    .boolean()
    .optional()
    .describe(
      "Delete the add-on's CRDs (and so their custom resources) when it is removed; by default they are kept.",
    ),
  ignoreFields: z
    .array(IgnoreFieldSchema)
    .optional()
    .describe(
      "Fields Tazuna leaves to others (controllers, people): never applied, so never owned or fought over.",
    ),
  handOff: z
    .boolean()
    .optional()
    .describe("Handed off to Argo CD/Flux: created when missing, then never updated or deleted by Tazuna."),
};

type BlockShape = { [T in Types as T["field"]]: z.ZodOptional<T["block"]> };

/** Each type's block, optional, under its field. */
function blockShape(): BlockShape {
  // Built from the list, so typed by the mapped type above rather than by fromEntries.
  return Object.fromEntries(
    ADDON_TYPES.map((t) => {
      const block = t.block.optional();
      return [t.field, t.description ? block.describe(t.description) : block];
    }),
  ) as BlockShape;
}

export const ManifestSchema = z.strictObject({ ...COMMON, ...blockShape(), ...AFTER_BLOCKS });

export type ManifestEntry = z.infer<typeof ManifestSchema>;
