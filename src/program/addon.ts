/**
 * One add-on as a Pulumi component (`tazuna:index:Addon`). Its children are
 * the rendered objects, in one yaml/v2 ConfigGroup that orders Namespaces and
 * CRDs before what needs them, and one WaitUntil per readiness gate. The
 * Kubernetes provider comes from the component's `providers`, so every object
 * goes to the stack's cluster. Depending on the component means waiting for
 * all of it: applied and ready.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { K8sObject } from "../render/objects";
import type { Gate } from "./readiness";
import { WaitUntil } from "./wait";
import { HelmHooks } from "./hooks";
import { hooksOf, isHook, type HookPhase } from "../render/hooks";
import { DIRECTIVES } from "./readiness";
import { ADDON_TYPE, adoptKey, legacyObjectName, objectResourceName, objectType } from "./urns";
import { keeps } from "./ownership";
import { redacted } from "../secrets/redact";
import { Release } from "./release";
import { formerManagersFromEnv, releaseEngine } from "./run-env";
import { entryKey, type Entry } from "../release/inventory";

export { ADDON_TYPE };

export interface AddonArgs {
  objects: K8sObject[];
  gates: Gate[];
  type: string;
  description?: string;
  /** The version the declaration pins (a helm chart's), if any. */
  version?: string;
  /** How long its gates and helm hooks may take. */
  timeoutSeconds: number;
  /** Where the gates look: the stack's kubeconfig and context. */
  cluster: { kubeconfig: string; context: string };
  /** Objects to import instead of apply (tazuna migrate): adoptKey(type, name) to import id. */
  adopt?: Record<string, string>;
  /** Delete the CRDs with the add-on; by default they outlive it (keeps). */
  pruneCrds?: boolean;
  /** Handed off to Argo CD/Flux: created when missing, never updated or deleted. */
  handOff?: boolean;
  /** Keys (release/inventory.ts) of the objects other add-ons declare: never pruned from this one. */
  claimedElsewhere?: string[];
}

/**
 * Tazuna's provider directives (forProvider) are annotations, so the live
 * object carries them; an object adopted from another tool (tazuna migrate)
 * does not. Their changes are ignored, so an adopted object stays as it is
 * (no write, no diff) and Tazuna's own objects keep theirs.
 */
const IGNORED = DIRECTIVES.map((d) => `metadata.annotations["${d}"]`);

export class AddonComponent extends pulumi.ComponentResource {
  /** How many objects the add-on applies. */
  readonly objectCount: pulumi.Output<number>;
  /** The add-on's Kubernetes resources. */
  readonly resources: pulumi.Output<unknown[]>;
  /** The declared chart version, else the version its objects' labels carry, else "". */
  readonly version: pulumi.Output<string>;
  /** sha256 of the rendered objects: equal digests mean the same manifests were applied. */
  readonly digest: pulumi.Output<string>;
  /** What the release applied: each object's identity and fingerprint (the release engine only). */
  readonly inventory: pulumi.Output<Entry[]>;

  constructor(name: string, args: AddonArgs, opts: pulumi.ComponentResourceOptions) {
    super(ADDON_TYPE, name, { type: args.type, description: args.description ?? "" }, opts);
    const digest = digestOf(args.objects);
    const release = releaseEngine();
    // A release runs its hooks itself; the per-object engine has a resource per phase.
    const hooks = (phase: HookPhase, dependsOn: pulumi.Resource[]) => {
      const list = hooksOf(args.objects, phase);
      if (list.length === 0 || release) return [];
      const props = {
        label: `add-on "${name}"`,
        ...args.cluster,
        phase,
        hooks: pulumi.secret(JSON.stringify(list)),
        digest,
        timeoutSeconds: args.timeoutSeconds,
      };
      return [new HelmHooks(`${name}:hooks:${phase}`, props, { parent: this, dependsOn })];
    };
    const pre = hooks("pre", []);
    const applied = args.objects.filter((o) => !isHook(o));
    const group = release
      ? new Release(
          name,
          {
            label: `add-on "${name}"`,
            ...args.cluster,
            manifest: {
              objects: applied,
              claimedElsewhere: args.claimedElsewhere ?? [],
              kept: applied
                .filter((o) => args.handOff || keeps(o as unknown as Record<string, unknown>, args.pruneCrds))
                .map(entryKey),
              recordOnly: applied.filter((o) => adoptIdOf(o, args.adopt) !== undefined).map(entryKey),
              gates: args.gates.map(({ target, namespace, forExpr, timeoutSeconds }) => ({
                target,
                namespace,
                forExpr,
                timeoutSeconds,
              })),
              hooks: [...hooksOf(args.objects, "pre"), ...hooksOf(args.objects, "post")],
            },
            timeoutSeconds: args.timeoutSeconds,
            readiness: readinessDigest(args.gates, args.objects.filter(isHook)),
            ...(args.handOff ? { handOff: true } : {}),
            ...formerManagers(),
          },
          { parent: this, dependsOn: pre },
        )
      : this.objectGroup(name, applied, args, pre);
    // The release waits for its gates itself; the per-object engine has a resource per gate.
    const gates = (group instanceof Release ? [] : args.gates).map(
      (g) =>
        new WaitUntil(
          `${name}:ready:${g.namespace ? `${g.namespace}/` : ""}${g.target}:${g.forExpr}`,
          { label: `add-on "${name}"`, ...args.cluster, ...g },
          { parent: this, dependsOn: [group] },
        ),
    );
    hooks("post", [group, ...gates]);
    this.objectCount = pulumi.output(applied.length);
    this.resources = group instanceof Release ? pulumi.output([]) : group.resources;
    this.inventory = group instanceof Release ? group.inventory : pulumi.output([]);
    this.version = pulumi.output(args.version ?? labelledVersion(args.objects));
    this.digest = pulumi.output(digest);
    this.registerOutputs({
      // How many readiness gates follow the objects; progress views count them down.
      gates: gates.length,
      objectCount: this.objectCount,
      resources: this.resources,
      version: this.version,
      digest: this.digest,
      inventory: this.inventory,
    });
  }

  /** The per-object engine: one Pulumi resource per object, through yaml/v2. */
  private objectGroup(
    name: string,
    applied: K8sObject[],
    args: AddonArgs,
    pre: pulumi.Resource[],
  ): k8s.yaml.v2.ConfigGroup {
    const adopt = args.adopt ?? {};
    return new k8s.yaml.v2.ConfigGroup(
      name,
      // No prefix: an object's URN is its identity in the cluster, not its add-on's (urns.ts objectResourceName).
      { objs: applied, resourcePrefix: "" },
      {
        parent: this,
        dependsOn: pre,
        transforms: [
          ({ type, name: child, props, opts: o }) => {
            if (!type.startsWith("kubernetes:") || type.startsWith("kubernetes:yaml")) return undefined;
            const id = adopt[adoptKey(type, child)];
            // An adopted object is read, never written: no change is applied while it is imported.
            // A handed-off one is created when missing, then left to its new owner.
            const ignoreChanges = id || args.handOff ? ["*"] : [...(o.ignoreChanges ?? []), ...IGNORED];
            const retainOnDelete = keeps(props, args.pruneCrds) || args.handOff || o.retainOnDelete;
            // Tazuna 0.1 prefixed the add-on's name: its stacks find their objects under the new name.
            const aliases = [...(o.aliases ?? []), { name: legacyObjectName(name, child) }];
            return {
              props,
              opts: { ...o, ignoreChanges, retainOnDelete, aliases, ...(id ? { import: id } : {}) },
            };
          },
        ],
      },
    );
  }
}

/** The import id `tazuna migrate` or `state fold` gave an object, if it is taken rather than applied. */
function adoptIdOf(o: K8sObject, adopt: Record<string, string> | undefined): string | undefined {
  const name = objectResourceName(o.metadata.namespace ?? "", o.metadata.name);
  return adopt?.[adoptKey(objectType(o.apiVersion, o.kind), name)];
}

/**
 * What the gates check and which hooks run (a Secret hook by its keys, as
 * digestOf counts it): a change runs the release again, which waits for
 * every gate and runs the hooks as an upgrade.
 */
function readinessDigest(gates: Gate[], hooks: K8sObject[]): string {
  const checks = gates.map((g) => [g.target, g.namespace, g.forExpr, g.timeoutSeconds]);
  return createHash("sha256")
    .update(JSON.stringify([checks, digestOf(hooks)]))
    .digest("hex")
    .slice(0, 16);
}

/** The field managers an upgrade hands this run's releases (engine/upgrade.ts), if any. */
function formerManagers(): { formerManagers?: string[] } {
  const names = formerManagersFromEnv();
  return names.length > 0 ? { formerManagers: names } : {};
}

/**
 * The digest is stored in state in the clear, so a Secret counts by its
 * keys only: a plain hash over its values would let anyone with the state
 * confirm a guessed value offline. A changed Secret value still changes the
 * Secret itself, whose data the state keeps encrypted.
 */
export function digestOf(objects: K8sObject[]): string {
  const hashed = JSON.stringify(objects.map(redacted));
  return `sha256:${createHash("sha256").update(hashed).digest("hex")}`;
}

/** What charts and well-labelled manifests say about themselves. */
function labelledVersion(objects: K8sObject[]): string {
  for (const o of objects) {
    const labels = (o.metadata as { labels?: Record<string, string> }).labels ?? {};
    const v = labels["helm.sh/chart"] ?? labels["app.kubernetes.io/version"];
    if (v) return v;
  }
  return "";
}
