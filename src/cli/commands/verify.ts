/**
 * `tazuna verify`: the CI job that proves a tazuna.yaml can rebuild a
 * cluster, on a throwaway local control plane (src/cli/verify.ts).
 */
import { noteTarget, withReport } from "../report";
import type { Command } from "commander";
import type { StackSettings } from "../../config/settings";
import { EXIT } from "../../errors/exit-codes";
import { log, print } from "../output";
import { loadTarget, optionalCluster, withFlags, type GlobalOptions } from "../project";
import { SCHEMA_VERSION, type VerifyResult } from "../results";

function table(r: VerifyResult): string {
  const steps = r.steps.map(
    (s) =>
      `  ${s.ok ? "ok  " : "FAIL"}  ${s.step} (${s.seconds.toFixed(1)}s)${s.ok ? "" : `\n${s.detail ?? ""}`}`,
  );
  const width = Math.max(0, ...r.addons.map((a) => a.addon.length));
  const addons = r.addons.map(
    (a) => `  ${a.addon.padEnd(width)}  ${a.state.padEnd(22)} ${a.seconds.toFixed(1)}s`,
  );
  return [
    r.ok
      ? "verify: the declaration rebuilds a cluster from zero and leaves nothing behind"
      : `verify: FAILED at: ${r.failedStep ?? "?"}`,
    "steps:",
    ...steps,
    ...(addons.length ? ["add-ons (time to ready):", ...addons] : []),
  ].join("\n");
}

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("verify")
    .description(
      "prove the declaration rebuilds a cluster: on a throwaway local control plane, apply from zero with every test, plan again (no changes), destroy, and check nothing is left",
    )
    .option("--settle <seconds>", "how long the cluster may take to clean up after destroy", "120")
    .addHelpText(
      "after",
      "\nNeeds etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on PATH (scripts/tools.sh builds them).\n" +
        "It uses a stack's variables and environment (--cluster NAME), never its cluster, and no stack state.\n\nExamples:\n  tazuna verify\n  tazuna verify --cluster staging -o json",
    )
    .action(async (o: { settle: string }) => {
      const opts = globals();
      const cluster = await optionalCluster(opts);
      const t = await loadTarget(opts, cluster);
      const flagged: StackSettings = cluster?.settings ?? (await withFlags(opts, { context: "" })).settings;
      const { context: _c, kubeconfig: _k, rebindTo: _r, clusterUid: _u, ...settings } = flagged;
      // The engine and the control plane load only when verify runs (start-up stays light).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { verify } = require("../verify") as typeof import("../verify");
      noteTarget(
        { ...t, cluster: cluster?.name ?? "throwaway", settings: flagged },
        "verify applies to a throwaway local control plane of its own, never to the stack's cluster",
      );
      const report = await withReport(
        "verify",
        cluster?.name ?? "throwaway",
        () =>
          verify({
            projectDir: t.projectDir,
            settings: {
              ...settings,
              ...(t.declaration.environment ? { environment: t.declaration.environment } : {}),
            },
            addons: t.declaration.addons.map((a) => a.name),
            log,
            settleSeconds: Number(o.settle),
          }),
        (r) => ({ exitCode: r.ok ? EXIT.ok : EXIT.error, changes: [] }),
      );
      const result: VerifyResult = { schemaVersion: SCHEMA_VERSION, cluster: cluster?.name ?? "", ...report };
      if (opts.output === "json") print(JSON.stringify(result, null, 2));
      else print(table(result));
      process.exitCode = report.ok ? EXIT.ok : EXIT.error;
    });
}
