/**
 * `tazuna destroy`'s run: the Go tool's kill switch, the add-ons --tags
 * takes (refused when one that stays depends on one that goes), the typed
 * context name on a terminal, then the engine's destroy behind the guard.
 */
import { selectForDestroy } from "../graph/order";
import { cacheModeOf, setCacheMode } from "../render/artifact-cache";
import { addonUrns } from "../resources/urns";
import { installedObjects } from "../state/inventory";
import { openClusterStack } from "./cluster-stack";
import { confirm } from "./confirm";
import { UsageError } from "./errors";
import { log } from "./output";
import { requireCluster, type GlobalOptions, type Target } from "./project";
import type { CacheFlags } from "./render-flags";
import type { Step } from "./results";
import { refuseUnknownTags } from "./select";

export interface DestroyOptions extends CacheFlags {
  yes?: boolean;
  /** The Go tool's name for --yes. */
  force?: boolean;
  dryRun?: boolean;
  tags?: string;
}

/** The Go tool's kill switch: TAZUNA_DESTROY_EXECUTABLE set to anything but true stops destroy. */
export const KILL_SWITCH = "TAZUNA_DESTROY_EXECUTABLE";

/** strconv.ParseBool's true values, as the Go tool reads the variable. */
const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);

export function refuseByKillSwitch(env: NodeJS.ProcessEnv = process.env): void {
  const value = env[KILL_SWITCH];
  if (value === undefined || GO_TRUE.has(value)) return;
  // The Go tool logs and exits 0 here; a CI step that meant to destroy must not pass as if it had.
  throw new UsageError(
    `${KILL_SWITCH}=${JSON.stringify(value)} forbids destroy on this machine; nothing was deleted\n  fix: unset ${KILL_SWITCH} (or set it to true) where destroy is meant to run`,
  );
}

/** --tags: the add-ons that go, listed with what depends on them; refused when one that stays depends on one that goes. */
function goingByTags(target: Target, tags: string[]): string[] {
  const addons = target.declaration.addons;
  refuseUnknownTags(addons, tags);
  const { going, dependents, conflicts } = selectForDestroy(addons, tags);
  if (conflicts.length > 0)
    throw new UsageError(
      [
        "destroy --tags would leave add-ons without what they depend on; nothing was deleted",
        ...conflicts.map(([stays, goes]) => `  ${stays} (stays) depends on ${goes} (goes)`),
        "  fix: tag the dependents too, or destroy everything without --tags (with no dependsOn anywhere, declaration order is the dependency)",
      ].join("\n"),
    );
  log(`--tags ${tags.join(",")}: destroying ${going.join(", ")}`);
  for (const [g, deps] of dependents)
    log(
      `  ${g}: ${deps.length > 0 ? `depended on by ${deps.join(", ")} (also going)` : "nothing depends on it"}`,
    );
  return going;
}

/** Deletes what the stack installed; returns it as the plan's delete steps, for --report. */
export async function destroy(opts: GlobalOptions, o: DestroyOptions): Promise<Step[]> {
  refuseByKillSwitch();
  const yes = o.yes === true || o.force === true;
  const cluster = await requireCluster(opts);
  const cache = cacheModeOf(o);
  setCacheMode(cache);
  const tags = (o.tags ?? "").split(",").filter(Boolean);
  const { stack, target, project, checkIdentity, kubeconfig } = await openClusterStack(
    { ...opts, writes: true, cache },
    cluster,
  );
  const context = target.settings.context;
  await checkIdentity();
  const going = tags.length > 0 ? goingByTags(target, tags) : undefined;
  const installed = (await installedObjects(stack)).filter((x) => !going || going.includes(x.addon));
  if (o.dryRun) {
    for (const x of installed) console.log([x.addon, x.kind, x.namespace || "-", x.name].join("\t"));
    return [];
  }
  if (!yes) {
    if (!process.stdin.isTTY)
      throw new UsageError("destroy needs --yes (or --force) when stdin is not a terminal");
    const what = going ? `the add-ons ${going.join(", ")}` : "everything Tazuna installed";
    const typed = await confirm(`type the context name (${context}) to delete ${what}: `);
    if (typed !== context) throw new UsageError("context name did not match; nothing was deleted");
  }
  // Running the program re-checks context_matches before anything is deleted.
  const { destroyStack, formatDestroyed } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("../engine/destroy") as typeof import("../engine/destroy");
  const done = await destroyStack(
    stack,
    { kubeconfig, context },
    {
      runProgram: true,
      ...(going ? { only: { addons: going, urns: addonUrns(cluster, project.name, going) } } : {}),
    },
  );
  console.log(`cluster ${cluster}: ${formatDestroyed(done)}`);
  return installed.map((x) => ({
    addon: x.addon,
    op: "delete",
    object: `${x.apiVersion}:${x.kind} ${x.namespace ? `${x.namespace}/` : ""}${x.name}`,
    fields: [],
  }));
}
