/**
 * Writes schemas/<name>.schema.json from the zod schemas of `--output json`
 * (src/cli/results.ts). Run after changing a result: npm run schemas.
 * test/unit/schemas.test.ts fails when the committed files are stale.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { jsonSchemas } from "../src/cli/schema-files";

const dir = path.resolve(__dirname, "../schemas");
for (const [name, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(path.join(dir, `${name}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${name}.schema.json`);
}
