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
import { DIRECTIVES } from "./readiness";
import { ADDON_TYPE, adoptKey } from "./urns";

export { ADDON_TYPE };

export interface AddonArgs {
  objects: K8sObject[];
  gates: Gate[];
  type: string;
  description?: string;
  /** The version the declaration pins (a helm chart's), if any. */
  version?: string;
  /** Where the gates look: the stack's kubeconfig and context. */
  cluster: { kubeconfig: string; context: string };
  /** Objects to import instead of apply (tazuna migrate): adoptKey(type, name) to import id. */
  adopt?: Record<string, string>;
}

/**
 * Tazuna's provider directives (forProvider) are annotations, so the live
 * object carries them; an object adopted from another tool (tazuna migrate)
 * does not. Their changes are ignored, so an adopted object stays as it is
 * (no write, no diff) and Tazuna's own objects keep theirs.
 */
const IGNORED = DIRECTIVES.map((d) => `metadata.annotations["${d}"]`);

/** Whether an object carries helm.sh/resource-policy: keep. */
export function keeps(props: Record<string, unknown>): boolean {
  const annotations = (props.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
  return annotations?.["helm.sh/resource-policy"] === "keep";
}

export class AddonComponent extends pulumi.ComponentResource {
  /** How many objects the add-on applies. */
  readonly objectCount: pulumi.Output<number>;
  /** The add-on's Kubernetes resources. */
  readonly resources: pulumi.Output<unknown[]>;
  /** The declared chart version, else the version its objects' labels carry, else "". */
  readonly version: pulumi.Output<string>;
  /** sha256 of the rendered objects: equal digests mean the same manifests were applied. */
  readonly digest: pulumi.Output<string>;

  constructor(name: string, args: AddonArgs, opts: pulumi.ComponentResourceOptions) {
    super(ADDON_TYPE, name, { type: args.type, description: args.description ?? "" }, opts);
    const adopt = args.adopt ?? {};
    const group = new k8s.yaml.v2.ConfigGroup(
      name,
      { objs: args.objects },
      {
        parent: this,
        transforms: [
          ({ type, name: child, props, opts: o }) => {
            if (!type.startsWith("kubernetes:") || type.startsWith("kubernetes:yaml")) return undefined;
            const id = adopt[adoptKey(type, child)];
            // An adopted object is read, never written: no change is applied while it is imported.
            const ignoreChanges = id ? ["*"] : [...(o.ignoreChanges ?? []), ...IGNORED];
            // helm's own rule: an object marked keep outlives its release (charts mark their CRDs so).
            const retainOnDelete = keeps(props) || o.retainOnDelete;
            return { props, opts: { ...o, ignoreChanges, retainOnDelete, ...(id ? { import: id } : {}) } };
          },
        ],
      },
    );
    args.gates.forEach(
      (g) =>
        new WaitUntil(
          `${name}:ready:${g.namespace ? `${g.namespace}/` : ""}${g.target}:${g.forExpr}`,
          { label: `add-on "${name}"`, ...args.cluster, ...g },
          { parent: this, dependsOn: [group] },
        ),
    );
    this.objectCount = pulumi.output(args.objects.length);
    this.resources = group.resources;
    this.version = pulumi.output(args.version ?? labelledVersion(args.objects));
    this.digest = pulumi.output(digestOf(args.objects));
    this.registerOutputs({
      // How many readiness gates follow the objects; progress views count them down.
      gates: args.gates.length,
      objectCount: this.objectCount,
      resources: this.resources,
      version: this.version,
      digest: this.digest,
    });
  }
}

export function digestOf(objects: K8sObject[]): string {
  return `sha256:${createHash("sha256").update(JSON.stringify(objects)).digest("hex")}`;
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
