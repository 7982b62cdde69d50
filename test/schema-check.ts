/** Validates a `--output json` document against the committed schemas/<name>.schema.json, as a user would. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";

const ajv = new Ajv2020({ allErrors: true, strict: false });

export function schemaFile(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(path.resolve(__dirname, "../schemas", `${name}.schema.json`), "utf8"),
  ) as Record<string, unknown>;
}

/** Parses stdout and throws with ajv's errors when it does not match; returns the document. */
export function checkedJson<T = Record<string, unknown>>(name: string, stdout: string): T {
  const doc: unknown = JSON.parse(stdout);
  const validate = ajv.getSchema(String(schemaFile(name).$id)) ?? ajv.compile(schemaFile(name));
  if (!validate(doc))
    throw new Error(
      `${name} output does not match schemas/${name}.schema.json: ${ajv.errorsText(validate.errors)}\n${stdout}`,
    );
  return doc as T;
}
