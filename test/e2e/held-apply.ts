/**
 * Holding an apply mid-way, for tests that interrupt it or race it: a test
 * gate that waits for a ConfigMap the test creates, the run's stderr as it
 * streams, and polling until the run reaches a point.
 */
import type { ResultPromise } from "execa";

/** A spec test that holds its add-on's dependents until ConfigMap `cm` says ok: yes (5 minutes at most). */
export const gate = (cm: string): string =>
  `      tests:\n        - name: ${cm}\n          waitUntil: {kind: ConfigMap, name: ${cm}, namespace: default, jsonpath: "{.data.ok}=yes", timeout: 5m}\n`;

/** What the run has written to stderr so far. */
export function stderrOf(run: ResultPromise): () => string {
  let text = "";
  run.stderr?.on("data", (d: Buffer) => (text += d.toString()));
  return () => text;
}

/** Polls until ok (2 minutes at most); a timeout shows what `seen` returns, e.g. the run's stderr. */
export async function waitFor(
  what: string,
  ok: () => boolean | Promise<boolean>,
  seen: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await ok())) {
    if (Date.now() > deadline) {
      const detail = seen();
      throw new Error(`timed out waiting for ${what}${detail ? `; its stderr:\n${detail}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
