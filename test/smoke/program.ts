/**
 * The toolchain smoke program: a Namespace, a CRD and one of its objects, a
 * ConfigMap and a Deployment through one explicit Kubernetes provider, plus a
 * dynamic resource. It proves the engine, the provider and the cluster work
 * together; `tazuna.yaml` programs build on the same pieces.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Marker } from "./marker";

export const SMOKE_NAMESPACE = "tazuna-smoke";

function manifests(greeting: string): Record<string, unknown>[] {
  const ns = SMOKE_NAMESPACE;
  const labels = { app: "smoke" };
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
    {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.smoke.tazuna.dev" },
      spec: {
        group: "smoke.tazuna.dev",
        scope: "Namespaced",
        names: { plural: "widgets", singular: "widget", kind: "Widget" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: "object",
                properties: { spec: { type: "object", properties: { size: { type: "integer" } } } },
              },
            },
          },
        ],
      },
    },
    {
      apiVersion: "smoke.tazuna.dev/v1",
      kind: "Widget",
      metadata: { name: "w1", namespace: ns },
      spec: { size: 3 },
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "greeting", namespace: ns },
      data: { greeting },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: ns },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: "web", image: "registry.invalid/web:1.0" }] },
        },
      },
    },
  ];
}

/** Reads `kubeconfig`, `context`, `greeting`, `markerPath` and `markerContent` from the `smoke` config namespace. */
export function smokeProgram(): Record<string, pulumi.Output<unknown>> {
  const cfg = new pulumi.Config("smoke");
  const provider = new k8s.Provider("cluster", {
    kubeconfig: cfg.require("kubeconfig"),
    context: cfg.require("context"),
    enableServerSideApply: true,
    // Update ConfigMaps in place, as kubectl apply does, instead of replacing them.
    enableConfigMapMutable: true,
  });
  const group = new k8s.yaml.v2.ConfigGroup(
    "smoke",
    { objs: manifests(cfg.get("greeting") ?? "hello") },
    { provider },
  );
  const marker = new Marker("marker", {
    path: cfg.require("markerPath"),
    content: cfg.get("markerContent") ?? "written by tazuna",
  });
  return { resources: group.resources.apply((r) => r.length), markerPath: marker.path };
}
