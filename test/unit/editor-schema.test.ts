/**
 * schemas/tazuna.schema.json, the editor schema of tazuna.yaml: current,
 * accepted by a real validator for every tazuna.yaml the project ships, and
 * strict enough that an editor flags the mistakes the loader refuses.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { editorSchema } from "../../src/cli/schema-files";
import { SCHEMA_LINES } from "../../src/cli/new-project";
import { schemaFile } from "../schema-check";

const ROOT = path.resolve(__dirname, "../..");
const committed = schemaFile("tazuna");
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(committed);

async function tazunaFiles(): Promise<string[]> {
  const found: string[] = [];
  for (const top of ["examples", "test/fixtures"])
    for (const f of await readdir(path.join(ROOT, top), { recursive: true }))
      if (/(^|\/)tazuna\.ya?ml$/.test(String(f))) found.push(path.join(top, String(f)));
  return found.sort();
}

const errorsOf = (doc: unknown): string =>
  validate(doc) ? "" : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("; ");

describe("the editor schema of tazuna.yaml", () => {
  it("schemas/tazuna.schema.json is up to date (npm run schemas) and draft 2020-12", () => {
    assert.deepEqual(committed, editorSchema(), "schemas/tazuna.schema.json is stale: run npm run schemas");
    assert.equal(committed.$schema, "https://json-schema.org/draft/2020-12/schema");
  });

  it("accepts every tazuna.yaml of the examples and fixtures", async () => {
    const files = await tazunaFiles();
    assert.ok(files.length >= 4, `found only ${files.join(", ")}`);
    for (const f of files) assert.equal(errorsOf(parse(readFileSync(path.join(ROOT, f), "utf8"))), "", f);
  });

  it("flags a misspelt field, a wrong type, an unknown add-on type and a missing spec", () => {
    const ok = { spec: { manifests: [{ name: "a", type: "manifests", path: "a" }] } };
    assert.equal(errorsOf(ok), "", "the positive control passes");
    const broken = (addon: Record<string, unknown>) => ({
      spec: { manifests: [{ ...ok.spec.manifests[0], ...addon }] },
    });
    assert.match(
      errorsOf(broken({ dependOn: ["b"] })),
      /\/spec\/manifests\/0 must NOT have additional properties/,
    );
    assert.match(errorsOf(broken({ timeout: 5 })), /\/spec\/manifests\/0\/timeout must be string/);
    assert.match(
      errorsOf(broken({ timeout: "5 minutes" })),
      /\/spec\/manifests\/0\/timeout must match pattern/,
    );
    assert.match(
      errorsOf(broken({ type: "kustomise" })),
      /\/spec\/manifests\/0\/type must be equal to one of the allowed values/,
    );
    assert.match(errorsOf({ apiVersion: "tazuna.pepabo.com/v1" }), /must have required property 'spec'/);
  });

  it("gives editors a description of each add-on field", () => {
    const spec = JSON.stringify(committed);
    for (const d of [
      "How the add-on is rendered",
      "Add-ons applied and ready before this one",
      "Regular expressions (RE2)",
    ])
      assert.ok(spec.includes(d), d);
  });

  it("tazuna init's file starts with the lines editors read, naming the installed schema", () => {
    assert.equal(
      SCHEMA_LINES,
      "# yaml-language-server: $schema=./node_modules/tazuna/schemas/tazuna.schema.json\n# $schema: ./node_modules/tazuna/schemas/tazuna.schema.json",
    );
    // The package ships schemas/ (package.json files), so the path exists after npm install.
    const files = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { files: string[] })
      .files;
    assert.ok(files.includes("schemas"));
  });
});
