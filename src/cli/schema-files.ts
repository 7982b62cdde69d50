/** The JSON Schema documents of `--output json` and of tazuna.yaml, generated from the zod schemas so they cannot drift apart. */
import { z } from "zod";
import { TazunaFileSchema } from "../config/schema";
import { ManifestSchema } from "../declaration/manifest-schema";
import { SCHEMAS, SCHEMA_VERSION } from "./results";

export function jsonSchemas(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(SCHEMAS).map(([name, schema]) => [
      name,
      {
        $id: `https://tazuna.dev/schemas/v${SCHEMA_VERSION}/${name}.schema.json`,
        title: `tazuna ${name.replace("-", " ")} --output json (schemaVersion ${SCHEMA_VERSION})`,
        ...z.toJSONSchema(schema, { io: "output" }),
      },
    ]),
  );
}

/** Where editors find it: the file ships in the npm package, so the path works offline too. */
export const EDITOR_SCHEMA_FILE = "tazuna.schema.json";
export const EDITOR_SCHEMA_URL = `https://tazuna.dev/schemas/${EDITOR_SCHEMA_FILE}`;

/**
 * tazuna.yaml for editors (yaml-language-server, JetBrains). The loader
 * checks each add-on on its own so one broken entry hides no other; an
 * editor wants them all in one document. Refinements that JSON Schema cannot
 * say (a duration's non-empty, an argument's leading "-") stay the loader's.
 */
export function editorSchema(): Record<string, unknown> {
  const file = TazunaFileSchema.extend({
    spec: TazunaFileSchema.shape.spec.extend({ manifests: z.array(ManifestSchema) }),
  });
  return {
    $id: EDITOR_SCHEMA_URL,
    title: "tazuna.yaml",
    description: "The foundation layer of a Kubernetes cluster, declared for Tazuna.",
    ...z.toJSONSchema(file, { io: "input", target: "draft-2020-12" }),
  };
}
