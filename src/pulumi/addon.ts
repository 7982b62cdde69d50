/**
 * One add-on as a Pulumi component (`tazuna:index:Addon`). Its children are
 * the rendered objects, in one yaml/v2 ConfigGroup that orders Namespaces and
 * CRDs before what needs them. The Kubernetes provider comes from the
 * component's `providers`, so every object goes to the stack's cluster.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { K8sObject } from "../render/objects";

export const ADDON_TYPE = "tazuna:index:Addon";

export interface AddonArgs {
  /** The objects to apply, already carrying their readiness annotations. */
  objects: K8sObject[];
  type: string;
  description?: string;
}

export class AddonComponent extends pulumi.ComponentResource {
  /** How many objects the add-on applies. */
  readonly objectCount: pulumi.Output<number>;
  /** The add-on's Kubernetes resources, once applied and ready. */
  readonly resources: pulumi.Output<unknown[]>;

  constructor(name: string, args: AddonArgs, opts: pulumi.ComponentResourceOptions) {
    super(ADDON_TYPE, name, { type: args.type, description: args.description ?? "" }, opts);
    const group = new k8s.yaml.v2.ConfigGroup(name, { objs: args.objects }, { parent: this });
    this.objectCount = pulumi.output(args.objects.length);
    this.resources = group.resources;
    this.registerOutputs({ objectCount: this.objectCount, resources: this.resources });
  }
}
