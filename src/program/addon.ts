/**
 * One add-on as a Pulumi component (`tazuna:index:Addon`). Its one child is
 * the add-on's release (release/provider.ts): it applies the rendered
 * objects by server-side apply, runs the chart's helm hooks around them,
 * waits for the readiness gates and records an inventory. Depending on the
 * component means waiting for all of it: applied and ready.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { K8sObject } from "../kube/objects";
import type { Gate } from "./readiness";
import { hooksOf, isHook } from "../render/hooks";
import { ADDON_TYPE } from "../resources/urns";
import { keeps } from "./ownership";
import { redacted } from "../secrets/redact";
import { Release } from "./release";
import { formerManagersFromEnv } from "./run-env";
import { entryKey, type Entry } from "../release/inventory";
import { readyText } from "../config/readiness";

export { ADDON_TYPE };

export interface AddonArgs {
  objects: K8sObject[];
  gates: Gate[];
  type: string;
  description?: string;
  /** The version the declaration pins (a helm chart's), if any. */
  version?: string;
  /** How long its apply, gates and helm hooks may take. */
  timeoutSeconds: number;
  /** Where the release applies: the stack's kubeconfig and context. */
  cluster: { kubeconfig: string; context: string };
  /** Objects taken as they are live (tazuna migrate, state fold): by entryKey (release/inventory.ts). */
  adopt?: Record<string, string>;
  /** Delete the CRDs with the add-on; by default they outlive it (keeps). */
  pruneCrds?: boolean;
  /** Handed off to Argo CD/Flux: created when missing, never updated or deleted. */
  handOff?: boolean;
  /** Keys (release/inventory.ts) of the objects other add-ons declare: never pruned from this one. */
  claimedElsewhere: string[];
}

export class AddonComponent extends pulumi.ComponentResource {
  /** How many objects the add-on applies. */
  readonly objectCount: pulumi.Output<number>;
  /** The declared chart version, else the version its objects' labels carry, else "". */
  readonly version: pulumi.Output<string>;
  /** sha256 of the rendered objects: equal digests mean the same manifests were applied. */
  readonly digest: pulumi.Output<string>;
  /** What the release applied: each object's identity and fingerprint. */
  readonly inventory: pulumi.Output<Entry[]>;

  constructor(name: string, args: AddonArgs, opts: pulumi.ComponentResourceOptions) {
    super(ADDON_TYPE, name, { type: args.type, description: args.description ?? "" }, opts);
    const applied = args.objects.filter((o) => !isHook(o));
    const release = new Release(
      name,
      {
        label: `add-on "${name}"`,
        ...args.cluster,
        manifest: {
          objects: applied,
          claimedElsewhere: args.claimedElsewhere,
          kept: applied
            .filter((o) => args.handOff || keeps(o as unknown as Record<string, unknown>, args.pruneCrds))
            .map(entryKey),
          recordOnly: applied.filter((o) => adoptIdOf(o, args.adopt) !== undefined).map(entryKey),
          gates: args.gates,
          hooks: [...hooksOf(args.objects, "pre"), ...hooksOf(args.objects, "post")],
        },
        timeoutSeconds: args.timeoutSeconds,
        readiness: readinessDigest(args.gates, args.objects.filter(isHook)),
        ...(args.handOff ? { handOff: true } : {}),
        ...formerManagers(),
      },
      { parent: this },
    );
    this.objectCount = pulumi.output(applied.length);
    this.inventory = release.inventory;
    this.version = pulumi.output(args.version ?? labelledVersion(args.objects));
    this.digest = pulumi.output(digestOf(args.objects));
    this.registerOutputs({
      objectCount: this.objectCount,
      version: this.version,
      digest: this.digest,
      inventory: this.inventory,
    });
  }
}

/** The import id `tazuna migrate` or `state fold` gave an object, if it is taken rather than applied. */
function adoptIdOf(o: K8sObject, adopt: Record<string, string> | undefined): string | undefined {
  return adopt?.[entryKey(o)];
}

/**
 * What the gates check and which hooks run (a Secret hook by its keys, as
 * digestOf counts it): a change runs the release again, which waits for
 * every gate and runs the hooks as an upgrade.
 */
function readinessDigest(gates: Gate[], hooks: K8sObject[]): string {
  const checks = gates.map((g) => [g.target, g.namespace, readyText(g.ready), g.timeoutSeconds]);
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
