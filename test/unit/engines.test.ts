/**
 * package.json's `engines` tells the truth: every package a user's
 * `npm install` brings (the lockfile's non-dev entries) supports the oldest
 * Node.js Tazuna claims, so npm prints no EBADENGINE warning there.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import semver from "semver";
import { z } from "zod";

const ROOT = path.resolve(__dirname, "../..");
const LockSchema = z.object({
  packages: z.record(
    z.string(),
    z
      .object({
        dev: z.boolean().optional(),
        engines: z.unknown().optional(),
        version: z.string().optional(),
      })
      .loose(),
  ),
});
type Lock = z.infer<typeof LockSchema>;

/** The packages whose engines.node the given Node version does not satisfy. */
function tooNew(lock: Lock, node: string): string[] {
  return Object.entries(lock.packages).flatMap(([name, p]) => {
    const engines = p.engines as { node?: string } | undefined;
    if (!name || p.dev || typeof engines?.node !== "string") return [];
    return semver.satisfies(node, engines.node)
      ? []
      : [`${name}@${p.version ?? "?"} needs node ${engines.node}`];
  });
}

describe("engines", () => {
  const pkg = z
    .object({ engines: z.object({ node: z.string() }) })
    .parse(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")));
  const lock = LockSchema.parse(JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")));
  const oldest = semver.minVersion(pkg.engines.node)?.version ?? "";

  it("every runtime dependency supports the oldest Node.js package.json allows", () => {
    assert.match(oldest, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(tooNew(lock, oldest), []);
  });

  it("the check finds a dependency that needs a newer Node (the control)", () => {
    const planted: Lock = {
      packages: {
        ...lock.packages,
        "node_modules/needs-22": { version: "1.0.0", engines: { node: ">=22" } },
      },
    };
    assert.deepEqual(tooNew(planted, oldest), ["node_modules/needs-22@1.0.0 needs node >=22"]);
  });
});
