/**
 * One add-on as a Pulumi component (`tazuna:index:Addon`). Its children are
 * the rendered objects, in one yaml/v2 ConfigGroup that orders Namespaces and
 * CRDs before what needs them, and one WaitUntil per readiness gate. The
 * Kubernetes provider comes from the component's `providers`, so every object
 * goes to the stack's cluster. Depending on the component means waiting for
 * all of it: applied and ready.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { K8sObject } from "../render/objects";
import type { Gate } from "./readiness";
import { WaitUntil } from "./wait";

export const ADDON_TYPE = "tazuna:index:Addon";

export interface AddonArgs {
  objects: K8sObject[];
  gates: Gate[];
  type: string;
  description?: string;
  /** Where the gates look: the stack's kubeconfig and context. */
  cluster: { kubeconfig: string; context: string };
}

export class AddonComponent extends pulumi.ComponentResource {
  /** How many objects the add-on applies. */
  readonly objectCount: pulumi.Output<number>;
  /** The add-on's Kubernetes resources. */
  readonly resources: pulumi.Output<unknown[]>;

  constructor(name: string, args: AddonArgs, opts: pulumi.ComponentResourceOptions) {
    super(ADDON_TYPE, name, { type: args.type, description: args.description ?? "" }, opts);
    const group = new k8s.yaml.v2.ConfigGroup(name, { objs: args.objects }, { parent: this });
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
    this.registerOutputs({ objectCount: this.objectCount, resources: this.resources });
  }
}
