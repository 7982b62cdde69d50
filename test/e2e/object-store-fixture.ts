/**
 * An S3-compatible object store (gofakes3, built by scripts/tools.sh) on the
 * loopback of the test's network namespace, one per test file, its objects in
 * memory for the file's lifetime: shared state (s3://) against a real store.
 * (Its bolt backend crashes on CopyObject, which every checkpoint backup does,
 * and its fs backend does not list the bucket it creates.)
 */
import { mkdtemp } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa, type ResultPromise } from "execa";
import { freePort } from "../../src/cluster/ports";

export interface ObjectStore {
  /** The backend URL tazuna and pulumi take: s3://BUCKET?endpoint=... */
  url: string;
  port: number;
  /** Credentials the AWS SDK in the engine reads; the store accepts any. */
  env: Record<string, string>;
}

const BUCKET = "tazuna-state";

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: "127.0.0.1" });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

export function useObjectStore(): () => ObjectStore {
  let proc: ResultPromise | undefined;
  let store: ObjectStore | undefined;
  before(async function () {
    this.timeout(60_000);
    if (process.env.TAZUNA_IN_NETNS !== "1")
      throw new Error("object-store tests must run inside scripts/in-netns.sh");
    const dir = await mkdtemp(path.join(tmpdir(), "tazuna-s3-"));
    const port = await freePort();
    proc = execa(
      "gofakes3",
      ["-backend", "memory", "-initialbucket", BUCKET, "-host", `127.0.0.1:${port}`, "-quiet"],
      { reject: false, stdin: "ignore", stdout: "ignore", stderr: { file: path.join(dir, "gofakes3.log") } },
    );
    const deadline = Date.now() + 30_000;
    while (!(await accepts(port))) {
      if (Date.now() > deadline || proc.exitCode !== null)
        throw new Error(`gofakes3 did not listen on 127.0.0.1:${port}; see ${dir}/gofakes3.log`);
      await new Promise((r) => setTimeout(r, 100));
    }
    store = {
      url: `s3://${BUCKET}?endpoint=http://127.0.0.1:${port}&use_path_style=true&region=us-east-1`,
      port,
      env: { AWS_ACCESS_KEY_ID: "tazuna-e2e", AWS_SECRET_ACCESS_KEY: "tazuna-e2e", AWS_REGION: "us-east-1" },
    };
  });
  after(() => {
    proc?.kill();
  });
  return () => {
    if (!store) throw new Error("the object store did not start; see the before-all hook's error");
    return store;
  };
}
