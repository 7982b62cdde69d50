/**
 * tazuna.yaml as a Pulumi program: load and validate the declaration, run
 * the guard, render every add-on, then register one component per add-on
 * with dependsOn edges, all behind the cluster binding.
 */
import { tracedProgram } from "../trace/spans";
import { existsSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadDeclaration } from "../declaration/load";
import type { Addon } from "../addon-types";
import type { Declaration } from "../declaration/model";
import type { Check } from "../config/model";
import { CEL_MODULE } from "../config/cel";
import { kubeconfigPath } from "../kube/kubeconfig";
import { resolveStackVars } from "../secrets/stack-vars";
import { refuseOutsideSecrets } from "../secrets/placement";
import { StackSettingsSchema, type StackSettings } from "../config/settings";
import { layers, predecessors } from "../graph/order";
import { renderAll, type K8sObject } from "../addon-types";
import { setCacheMode } from "../render/artifact-cache";
import { AddonComponent } from "./addon";
import { entryKey } from "../release/inventory";
import { adoptFromEnv, destroyingFromEnv, onlyFromEnv, runFromEnv } from "./run-env";
import { ClusterBinding } from "../guard/binding";
import { recording } from "../errors/failures";
import { checkContext, checkEnvironmentGuard } from "../guard/context";
import { readIdentity, type ClusterIdentity } from "../guard/identity";
import { checkPinned } from "../guard/pinned";
import { readinessGates } from "./readiness";
import { WaitUntil } from "./wait";
import { withoutRegistrationStacks } from "./registration-stacks";
import { kubectlTarget } from "../kube/objects";
import { kubectl } from "../kube/kubectl";
import { isHook } from "../render/hooks";
import { ownedFields, scaleTargets, type ScaleTarget } from "./ownership";
import { TazunaError } from "../errors/tazuna-error";
import { BINDING_NAME, addonTestName, specTestName } from "../resources/urns";

export interface ProgramContext {
  projectDir: string;
  stackName: string;
  settings: StackSettings;
  /**
   * Register only these add-ons (a --tags run; the caller includes their
   * dependencies) and no spec-level tests. Must go with excludesFor(), or the
   * engine would delete the add-ons left out. Default: $TAZUNA_ONLY_ADDONS,
   * which the tazuna CLI sets when it runs a project's own program.
   */
  only?: readonly string[];
  /**
   * A cluster `tazuna verify` started for this run: context_matches name the
   * team's real clusters, which a throwaway one is none of. Never from stack
   * config, so no stack can turn the guard off.
   */
  throwawayCluster?: boolean;
  /** --allow-any-context: a chosen environment without patterns may drop the root's guard. */
  allowAnyContext?: boolean;
}

interface Target {
  /** A path, or "" for the $KUBECONFIG list (merged as kubectl merges it). */
  kubeconfig: string;
  context: string;
  identity: ClusterIdentity;
  rebindTo: string;
  /** Objects to import rather than apply (tazuna migrate). */
  adopt?: Record<string, string>;
  /** tazuna destroy: nothing rendered, so no gates to check against the objects. */
  destroying?: boolean;
}

export class StackSettingsError extends TazunaError {
  constructor(stack: string, detail: string) {
    super(
      `stacks/Pulumi.${stack}.yaml: ${detail}\n  fix: set it with pulumi config set (for example: pulumi config set tazuna:context my-cluster)`,
    );
  }
}

/**
 * Reads the `tazuna:` config of the running stack, with what the tazuna
 * command line set for this run (-f, --var) over it.
 */
export function settingsFromConfig(stack: string): StackSettings {
  const cfg = new pulumi.Config("tazuna");
  const raw = {
    context: cfg.get("context"),
    kubeconfig: cfg.get("kubeconfig"),
    file: cfg.get("file"),
    environment: cfg.get("environment"),
    vars: cfg.getObject<Record<string, string>>("vars"),
    rebindTo: cfg.get("rebindTo"),
    clusterUid: cfg.get("clusterUid"),
    prune: cfg.getBoolean("prune"),
  };
  const res = StackSettingsSchema.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
  );
  if (!res.success) {
    const i = res.error.issues[0];
    throw new StackSettingsError(stack, `tazuna:${String(i?.path[0] ?? "")}: ${i?.message ?? "invalid"}`);
  }
  // Only the file and vars are settings; --allow-any-context is read where the guard runs.
  const { allowAnyContext: _allow, cache: _cache, ...flags } = runFromEnv() ?? {};
  return { ...res.data, ...flags };
}

function testWait(t: Check, name: string, target: Target, deps: pulumi.Resource[]): WaitUntil {
  return new WaitUntil(
    name,
    {
      label: `test "${t.name}"`,
      kubeconfig: target.kubeconfig,
      context: target.context,
      target: kubectlTarget(t.kind, t.objectName, t.apiVersion),
      namespace: t.namespace ?? "",
      ready: t.ready,
      timeoutSeconds: t.timeoutSeconds,
      successes: t.successes,
      failures: t.failures,
      intervalSeconds: t.intervalSeconds,
      ...(t.ready.type === "cel" ? { celModule: require.resolve(CEL_MODULE) } : {}),
      revision: "",
    },
    { dependsOn: deps },
  );
}

/** Registers the resource graph; synchronous so the order of registration is the plan's order. */
export function registerGraph(
  decl: Declaration,
  rendered: Map<string, K8sObject[]>,
  target: Target,
  /** Workloads an HPA scales (declared or live): their spec.replicas is the HPA's. */
  scaled: ScaleTarget[] = scaleTargets([...rendered.values()].flat()),
) {
  return withoutRegistrationStacks(() => {
    const binding = new ClusterBinding(BINDING_NAME, {
      ...target.identity,
      context: target.context,
      rebindTo: target.rebindTo,
    });
    const byName = new Map(decl.addons.map((a) => [a.name, a]));
    const deps = predecessors(decl.addons);
    // What a dependent waits for: the add-on's objects, ready, and its tests.
    const gates = new Map<string, pulumi.Resource[]>();
    const components: Record<string, AddonComponent> = {};
    const declared = new Map(
      [...rendered].map(([n, objs]) => [n, objs.filter((o) => !isHook(o)).map(entryKey)]),
    );
    const claimedElsewhere = (addon: string) =>
      [...declared].flatMap(([n, keys]) => (n === addon ? [] : keys));
    for (const name of layers(decl.addons).flat()) {
      const a = byName.get(name) as Addon;
      const objects = rendered.get(a.name) ?? [];
      const comp = new AddonComponent(
        a.name,
        {
          objects: ownedFields(objects, scaled, a.ignoreFields),
          claimedElsewhere: claimedElsewhere(a.name),
          gates: target.destroying
            ? []
            : readinessGates(
                a,
                objects.filter((o) => !isHook(o)),
              ),
          cluster: { kubeconfig: target.kubeconfig, context: target.context },
          adopt: target.adopt ?? {},
          pruneCrds: a.pruneCrds,
          timeoutSeconds: a.timeoutSeconds,
          handOff: a.handOff,
          type: a.type,
          ...(a.description ? { description: a.description } : {}),
          ...(a.helm?.version ? { version: a.helm.version } : {}),
        },
        {
          dependsOn: [binding, ...(deps.get(a.name) ?? []).flatMap((d) => gates.get(d) ?? [])],
        },
      );
      const tests = a.tests.map((t) => testWait(t, addonTestName(a.name, t.name), target, [comp]));
      gates.set(a.name, [comp, ...tests]);
      components[a.name] = comp;
    }
    const all = [...gates.values()].flat();
    decl.tests.forEach((t) => testWait(t, specTestName(t.name), target, all));
    return {
      cluster: { uid: binding.uid, context: target.context },
      addons: Object.fromEntries(Object.entries(components).map(([n, c]) => [n, c.objectCount])),
    };
  });
}

/** The whole program for one stack; throws before registering anything when validation or the guard fails. */
export function tazunaProgram(ctx: ProgramContext) {
  const run = `pulumi ${pulumi.runtime.isDryRun() ? "preview" : "up"} ${ctx.stackName}`;
  return tracedProgram(run, { "tazuna.stack": ctx.stackName }, () => recording(() => programFor(ctx)));
}

async function programFor(ctx: ProgramContext) {
  const file = path.resolve(ctx.projectDir, ctx.settings.file ?? "tazuna.yaml");
  const vars = await resolveStackVars(ctx.settings.vars ?? {}, ctx.projectDir, ctx.stackName);
  const stackFile = path.join("stacks", `Pulumi.${ctx.stackName}.yaml`);
  const full = await loadDeclaration(file, {
    variables: {
      cluster: ctx.stackName,
      vars: vars.values,
      ...(existsSync(path.resolve(ctx.projectDir, stackFile)) ? { stackFile } : {}),
    },
    ...(ctx.settings.environment ? { environment: ctx.settings.environment } : {}),
  });
  const only = ctx.only ?? onlyFromEnv();
  const decl = only ? { ...full, addons: full.addons.filter((a) => only.includes(a.name)), tests: [] } : full;
  // Only where the engine writes: a preview is the plan, which the Go tool guards by name alone.
  if (!ctx.throwawayCluster && !pulumi.runtime.isDryRun())
    checkEnvironmentGuard(decl, ctx.allowAnyContext === true || runFromEnv()?.allowAnyContext === true);
  if (!ctx.throwawayCluster)
    checkContext(
      ctx.settings.context,
      decl.contextMatches,
      decl.matchMode,
      `${decl.guardField} of ${decl.file}`,
    );
  const kubeconfig = kubeconfigPath(ctx.settings, ctx.projectDir);
  const identity = await readIdentity(kubeconfig, ctx.settings.context);
  if (!ctx.throwawayCluster) checkPinned(ctx.settings, identity, ctx.stackName);
  // Destroy deletes what state holds: the program runs for its guard (above), and renders nothing.
  const destroying = destroyingFromEnv();
  // A project's own program learns --no-cache/--offline from the command; the built-in one shares its process.
  const cache = runFromEnv()?.cache;
  if (cache) setCacheMode(cache);
  const rendered = destroying
    ? new Map<string, K8sObject[]>(decl.addons.map((a) => [a.name, []]))
    : await renderAll(decl.addons);
  for (const [addon, objects] of rendered) refuseOutsideSecrets(addon, "tazuna:vars", vars.secret, objects);
  const hpas = destroying
    ? { items: [] }
    : (JSON.parse(await kubectl({ kubeconfig, context: ctx.settings.context }, HPA_LIST)) as {
        items: unknown[];
      });
  const scaled = scaleTargets([...[...rendered.values()].flat(), ...hpas.items]);
  return registerGraph(
    decl,
    rendered,
    {
      kubeconfig,
      context: ctx.settings.context,
      identity,
      rebindTo: ctx.settings.rebindTo ?? "",
      adopt: adoptFromEnv(),
      destroying,
    },
    scaled,
  );
}

/** Every HPA in the cluster: one an operator added by hand scales a declared workload too. */
const HPA_LIST = ["get", "horizontalpodautoscalers.autoscaling", "-A", "-o", "json", "--request-timeout=30s"];
