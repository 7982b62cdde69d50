/**
 * A CNCF distribution registry (built by scripts/tools.sh) on the loopback of
 * the test's network namespace, one per test file, with its storage in a
 * temp folder. Plain HTTP: the add-ons under test say plainHTTP: true.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa, type ResultPromise } from "execa";
import { freePort } from "../../src/cluster/ports";
import { waitForAnswer } from "./answers";

export interface Registry {
  /** host:port */
  host: string;
  /** Stops it for good (an offline render's witness: nothing answers there any more). */
  stop: () => Promise<void>;
}

export function useRegistry(): () => Registry {
  let proc: ResultPromise | undefined;
  let registry: Registry | undefined;
  before(async function () {
    this.timeout(60_000);
    if (process.env.TAZUNA_IN_NETNS !== "1")
      throw new Error("registry tests must run inside scripts/in-netns.sh");
    const dir = await mkdtemp(path.join(tmpdir(), "tazuna-registry-"));
    const port = await freePort();
    const config = path.join(dir, "config.yml");
    await writeFile(
      config,
      `version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: ${dir}/data}\n  delete: {enabled: true}\nhttp:\n  addr: 127.0.0.1:${port}\n`,
    );
    proc = execa("registry", ["serve", config], { reject: false, stdio: "ignore" });
    registry = {
      host: `127.0.0.1:${port}`,
      stop: async () => {
        proc?.kill("SIGTERM");
        await proc;
        const answers = await fetch(`http://127.0.0.1:${port}/v2/`).then(
          () => true,
          () => false,
        );
        if (answers) throw new Error("the registry still answers after SIGTERM");
      },
    };
    await waitForAnswer(`http://${registry.host}/v2/`, 30_000, "the registry", (r) => r.ok);
  });
  after(() => {
    proc?.kill("SIGTERM");
  });
  return () => {
    if (!registry) throw new Error("the registry did not start; see the before-all hook's error");
    return registry;
  };
}
