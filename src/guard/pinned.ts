/**
 * The cluster a stack is pinned to, in its stack file (tazuna:clusterUid),
 * written by the first `tazuna apply`. Unlike the binding in state, which
 * is checked only when the engine diffs it, the pin is checked by the
 * program before it registers anything: `pulumi up --target`, `pulumi
 * refresh --run-program` and `pulumi destroy --run-program` run the program
 * too, so they refuse the wrong cluster with zero writes.
 */
import { readFile, writeFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import type { StackSettings } from "../config/settings";
import { GuardError } from "../errors/guard";
import type { ClusterIdentity } from "./identity";

export const PIN_KEY = "tazuna:clusterUid";

/** Throws GuardError when the context reaches another cluster than the pinned one (and no re-bind to it was asked). */
export function checkPinned(settings: StackSettings, live: ClusterIdentity, stack: string): void {
  const pinned = settings.clusterUid;
  if (!pinned || pinned === live.uid || settings.rebindTo === live.uid) return;
  throw new GuardError(
    `context "${settings.context}" reaches a different cluster than stack ${stack} is pinned to ` +
      `(${PIN_KEY} ${pinned}; this one's kube-system uid is ${live.uid}, server ${live.server}); nothing was registered or applied`,
    `point the context back at the pinned cluster, or re-bind on purpose with tazuna:rebindTo ${live.uid}`,
  );
}

/**
 * Writes the pin into the stack file, comments kept; a re-bind moves it.
 * Returns whether the file changed.
 */
export async function writePin(stackFile: string, uid: string): Promise<boolean> {
  const doc = parseDocument(await readFile(stackFile, "utf8"));
  if (doc.getIn(["config", PIN_KEY]) === uid) return false;
  doc.setIn(["config", PIN_KEY], uid);
  await writeFile(stackFile, doc.toString());
  return true;
}
