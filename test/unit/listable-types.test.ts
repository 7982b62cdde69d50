/**
 * `kubectl api-resources` with an aggregated API down exits 1 and still
 * prints every other type (the behaviour the issue measured with a
 * metrics-server that is not ready). A stand-in kubectl on PATH answers
 * exactly so; the real kubectl against a local control plane does not show
 * it for an APIService that never was available (see test/e2e/faults.test.ts).
 */
import { strict as assert } from "node:assert";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { listableTypes } from "../../src/kube/kubectl";

async function standIn(script: string): Promise<() => void> {
  const dir = await mkdtemp(path.join(tmpdir(), "tazuna-kubectl-"));
  await writeFile(path.join(dir, "kubectl"), `#!/bin/sh\n${script}\n`);
  await chmod(path.join(dir, "kubectl"), 0o755);
  const before = process.env.PATH;
  process.env.PATH = `${dir}:${before ?? ""}`;
  return () => {
    process.env.PATH = before;
  };
}

const cluster = { kubeconfig: "", context: "test" };

describe("listable resource types", () => {
  it("uses what kubectl listed and names the aggregated API that is down", async () => {
    const restore = await standIn(
      `printf 'configmaps\\nsecrets\\n'
echo 'error: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request' >&2
exit 1`,
    );
    try {
      const got = await listableTypes(cluster, { namespaced: true });
      assert.deepEqual(got, { types: ["configmaps", "secrets"], unavailable: ["metrics.k8s.io/v1beta1"] });
    } finally {
      restore();
    }
  });

  it("still fails on any other error (control)", async () => {
    const restore = await standIn(
      `echo 'error: You must be logged in to the server (Unauthorized)' >&2\nexit 1`,
    );
    try {
      await assert.rejects(listableTypes(cluster, "all"), /Unauthorized/);
    } finally {
      restore();
    }
  });
});
