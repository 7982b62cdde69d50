/**
 * Writes schemas/<name>.schema.json from the zod schemas of `--output json`
 * (src/cli/results.ts) and schemas/tazuna.schema.json, the editor schema of
 * tazuna.yaml (src/config/schema.ts). Run after changing either: npm run schemas.
 * test/unit/schemas.test.ts fails when the committed files are stale.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { EDITOR_SCHEMA_FILE, editorSchema, jsonSchemas } from "../src/cli/schema-files";

const dir = path.resolve(__dirname, "../schemas");
const write = (file: string, schema: Record<string, unknown>) => {
  writeFileSync(path.join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${file}`);
};
for (const [name, schema] of Object.entries(jsonSchemas())) write(`${name}.schema.json`, schema);
write(EDITOR_SCHEMA_FILE, editorSchema());
