/**
 * The cluster a stack is pinned to, in its stack file (tazuna:clusterUid),
 * written by the first `tazuna apply`. Unlike the binding in state, which
 * is checked only when the engine diffs it, the pin is checked by the
 * program before it registers anything: `pulumi up --target`, `pulumi
 * refresh --run-program` and `pulumi destroy --run-program` run the program
 * too, so they refuse the wrong cluster with zero writes.
 */
import { existsSync } from "node:fs";
import type { Stack } from "@pulumi/pulumi/automation";
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

/**
 * The first apply pins the stack to the cluster it reached (and a re-bind
 * moves the pin), in the stack file, where the program checks it on every
 * engine path. A folder without stack files has no stack file to pin in;
 * the binding in state still guards every run that diffs it. Says what it
 * pinned, if anything.
 */
export async function pinAfterApply(
  stack: Stack,
  file: string,
  binding: { before: string | undefined; rebinding: boolean },
): Promise<string | undefined> {
  if (!existsSync(file)) return undefined;
  // The binding is new only on the first apply or a re-bind; otherwise the one read before the up stands.
  const uid =
    binding.before && !binding.rebinding ? binding.before : (await recorded().recordedBinding(stack))?.uid;
  if (!uid || !(await writePin(file, uid))) return undefined;
  return `pinned stack ${stack.name} to cluster ${uid} in ${file}`;
}

/** Loaded on use: it pulls in the Pulumi SDK, which `tazuna --help` and check never need. */
function recorded(): typeof import("./recorded") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./recorded") as typeof import("./recorded");
}

/** The uid the stack's binding records now, before an apply (the pin compares with it). */
export async function boundUid(stack: Stack): Promise<string | undefined> {
  return (await recorded().recordedBinding(stack))?.uid;
}
