/**
 * `tazuna migrate`: take a cluster the Go tool manages under this project's
 * state without changing a live object. The Go tool's state ConfigMaps say
 * which objects each manifest installed; an add-on whose every rendered
 * object is recorded there and exists is imported (reads only); the rest is
 * reported, and the next apply installs it as usual.
 */
import type { Command } from "commander";
import { renderAll } from "../../addon-types";
import { readGoState, GO_STATE_NAMESPACE } from "../../live/go-state";
import { entryText, liveKeys, unmatched, verdicts } from "../../live/migration";
import { installedObjects } from "../../state/inventory";
import { excludesFor } from "../../resources/urns";
import { entryKey } from "../../release/inventory";
import { openClusterStack } from "../cluster-stack";
import { UsageError } from "../errors";
import { log, print } from "../output";
import * as path from "node:path";
import { stackFileLabel, writeSetting } from "../../config/stack-file";
import { requireCluster, type GlobalOptions, type Target } from "../project";

async function migrate(opts: GlobalOptions): Promise<void> {
  const cluster = await requireCluster(opts);
  const cs = await openClusterStack(opts, cluster);
  const context = cs.target.settings.context;
  const recorded = await readGoState(cs.kubeconfig, context);
  if (recorded.length === 0)
    throw new UsageError(
      `no state of the Go tool in cluster ${cluster}: no tazuna-state-* ConfigMap in namespace ${GO_STATE_NAMESPACE}\n  fix: nothing to migrate; run tazuna apply`,
    );
  const rendered = await renderAll(cs.target.declaration.addons);
  const managed = new Set((await installedObjects(cs.stack)).map((o) => o.addon));
  const all = await verdicts(rendered, recorded, managed, (objs) => liveKeys(cs.kubeconfig, context, objs));
  const taken = all.filter((v) => v.reason === undefined);
  const imports = Object.fromEntries(
    taken.flatMap((v) =>
      v.objects.map((o) => {
        const ns = o.metadata.namespace ?? "";
        return [entryKey(o), ns ? `${ns}/${o.metadata.name}` : o.metadata.name];
      }),
    ),
  );
  if (taken.length > 0) {
    log(
      `migrate: importing ${Object.keys(imports).length} object(s) of ${taken.map((v) => v.addon).join(", ")} (reads only)`,
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { adoptObjects } = require("../../engine/adopt") as typeof import("../../engine/adopt");
    const names = taken.map((v) => v.addon);
    // Every add-on taken: the whole program, so spec-level tests are recorded too (they only read).
    const part =
      taken.length === all.length
        ? undefined
        : {
            addons: names,
            exclude: excludesFor(
              cluster,
              cs.project.name,
              all.filter((v) => v.reason !== undefined).map((v) => v.addon),
            ),
          };
    await adoptObjects(cs.stack, part, imports);
  }
  await recordPruneOff(opts, cluster, cs.target);
  const lost = unmatched(rendered, recorded);
  print(
    [
      `cluster ${cluster}: took ${taken.length} add-on(s) from the Go tool's state, ${Object.keys(imports).length} object(s), without changing any`,
      ...taken.map((v) => `  taken      ${v.addon} (${v.objects.length} objects)`),
      ...all
        .filter((v) => v.reason)
        .map((v) => `  not taken  ${v.addon}: ${v.reason ?? ""}; tazuna apply installs it`),
      ...(lost.length
        ? [
            `recorded by the Go tool, rendered by no add-on (left as they are; tazuna state drift lists them):`,
          ]
        : []),
      ...lost.map((e) => `  ${entryText(e)}`),
      "next: tazuna plan (no changes for what was taken), then delete namespace tazuna when the Go tool is retired",
    ].join("\n"),
  );
}

/**
 * The Go tool's plain apply never deletes what left tazuna.yaml; a team
 * moving over keeps that until it chooses otherwise: tazuna:prune: false
 * in the stack's file (a folder run on the kubeconfig alone gets one).
 */
async function recordPruneOff(opts: GlobalOptions, cluster: string, target: Target): Promise<void> {
  if (target.settings.prune !== undefined) {
    log(`migrate: the stack sets tazuna:prune: ${target.settings.prune}; left as it is`);
    return;
  }
  const base = {
    context: target.settings.context,
    ...(opts.kubeconfig ? { kubeconfig: path.resolve(opts.kubeconfig) } : {}),
    ...(target.settings.environment ? { environment: target.settings.environment } : {}),
    ...(opts.file ? { file: path.relative(target.projectDir, path.resolve(opts.file)) } : {}),
  };
  await writeSetting(target.projectDir, cluster, base, "prune", false);
  log(
    `migrate: wrote tazuna:prune: false to ${stackFileLabel(cluster)}: as with the Go tool's apply, objects that leave tazuna.yaml stay in the cluster (tazuna apply --prune, or tazuna:prune: true, deletes them)`,
  );
}

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("migrate")
    .description(
      "take a cluster from the Go tool: import the objects its state ConfigMaps record under this stack's state, changing no live object",
    )
    .addHelpText("after", "\nExamples:\n  tazuna migrate --cluster prod\n  tazuna plan --cluster prod")
    .action(() => migrate(globals()));
}
