/** The JSON Schema documents of `--output json`, generated from the zod schemas so they cannot drift apart. */
import { z } from "zod";
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
