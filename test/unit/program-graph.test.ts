/**
 * Graph shape under Pulumi mocks: one tazuna:index:Addon component per
 * add-on, dependsOn edges as declared (or declaration order), every add-on
 * behind the cluster binding, and every object bound to the stack's provider.
 */
import { strict as assert } from "node:assert";
import { readFileSync, statSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import type { Addon } from "../../src/addon-types";
import { addon as made } from "../addons";
import type { Declaration } from "../../src/declaration/model";
import { ReleaseManifestSchema } from "../../src/release/provider";
import type { K8sObject } from "../../src/kube/objects";

interface Registered {
  type: string;
  name: string;
  deps: string[];
  provider: string;
  providers: Record<string, string>;
  inputs: Record<string, unknown>;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
  getProvider(): string;
  getProvidersMap(): { toObject(): [string, string][] };
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

const registered: Registered[] = [];

async function withCapture(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, uid: "uid-1" } }),
      call: (args) => args.inputs,
    },
    "tazuna",
    "unit",
    false,
  );
  // The mocks turn transforms off; the engine Tazuna runs on has them (adopted objects need one).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { supportsTransforms: boolean } };
  state.getStore().supportsTransforms = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    getMonitor(): { registerResource: (req: RegisterRequest, cb: unknown) => unknown };
  };
  const monitor = settings.getMonitor();
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: RegisterRequest, cb: unknown) => {
    registered.push({
      type: req.getType(),
      name: req.getName(),
      deps: req.getDependenciesList(),
      provider: req.getProvider(),
      providers: Object.fromEntries(req.getProvidersMap().toObject()),
      inputs: req.getObject()?.toJavaScript() ?? {},
    });
    return original(req, cb);
  };
}

const addon = (name: string, dependsOn: string[] = []): Addon =>
  made({ name, dependsOn, timeoutSeconds: 120 });

const cm = (name: string): K8sObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default" },
});

/** Registrations run asynchronously (transforms first register a callback); wait until they have stopped coming. */
async function settle(): Promise<void> {
  let seen = -1;
  while (seen !== registered.length) {
    seen = registered.length;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("program graph (Pulumi mocks)", function () {
  this.timeout(60_000);
  const decl: Declaration = {
    file: "/p/tazuna.yaml",
    addons: [addon("cni"), addon("certs"), addon("ingress", ["cni"]), addon("argocd", ["ingress", "certs"])],
    environment: "",
    contextMatches: [],
    rootContextMatches: [],
    matchMode: "or",
    guardField: "spec.context_matches",
    providers: [],
    tests: [],
  };
  const ofType = (type: string) => registered.filter((r) => r.type === type);
  const ingress = () => ofType("pulumi-nodejs:dynamic/tazuna:Release").find((r) => r.name === "ingress");
  /** What the ingress release hands its provider process. */
  const manifest = () =>
    ReleaseManifestSchema.parse(JSON.parse(readFileSync(String(ingress()?.inputs.manifest), "utf8")));

  before(async () => {
    await withCapture();
    registered.length = 0;
    // Required only now: the program must load after setMocks (pulumi/pulumi#12141).
    const { registerGraph } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require("../../src/program/program") as typeof import("../../src/program/program");
    const rendered = new Map(decl.addons.map((a) => [a.name, [cm(`${a.name}-cm`)]]));
    rendered.get("ingress")?.push({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "ingress-web", namespace: "default" },
    });
    registerGraph(decl, rendered, {
      kubeconfig: "/k/config",
      context: "staging",
      identity: { uid: "uid-1", caFingerprint: "AA", server: "https://x" },
      rebindTo: "",
    });
    await settle();
  });

  it("registers one component per add-on, in order, with the declared edges, behind the binding", () => {
    const comps = ofType("tazuna:index:Addon");
    assert.deepEqual(
      comps.map((c) => c.name),
      ["cni", "certs", "ingress", "argocd"],
    );
    assert.ok(ofType("pulumi-nodejs:dynamic/tazuna:ClusterBinding")[0], "the cluster binding is registered");
    const depNames = (c: Registered) => c.deps.map((u) => u.split("::").pop()).sort();
    const byName = Object.fromEntries(comps.map((c) => [c.name, depNames(c)]));
    assert.deepEqual(byName.cni, ["cluster"]);
    assert.deepEqual(byName.certs, ["cluster"]);
    assert.ok(
      byName.ingress?.includes("cni") && !byName.ingress.includes("certs"),
      `ingress deps: ${String(byName.ingress)}`,
    );
    assert.ok(
      byName.argocd?.includes("ingress") && byName.argocd.includes("certs"),
      `argocd deps: ${String(byName.argocd)}`,
    );
  });

  it("starts no Kubernetes provider: releases apply their objects themselves", () => {
    assert.deepEqual(
      registered.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => r.type),
      [],
    );
    for (const c of ofType("tazuna:index:Addon")) assert.equal(c.providers.kubernetes, undefined);
    assert.equal(ofType("kubernetes:yaml/v2:ConfigGroup").length, 0, "no per-object resources");
  });

  it("registers one release per add-on, for the chosen context", () => {
    assert.deepEqual(
      // Each release registers once its manifest file is written: in no fixed order.
      ofType("pulumi-nodejs:dynamic/tazuna:Release")
        .map((r) => r.name)
        .sort(),
      ["argocd", "certs", "cni", "ingress"],
    );
    assert.equal(ingress()?.inputs.context, "staging");
  });

  it("hands a release's objects to its provider in a 0600 file, never in its inputs (state)", () => {
    assert.equal(statSync(String(ingress()?.inputs.manifest)).mode & 0o777, 0o600);
    assert.deepEqual(
      manifest().objects.map((o) => o.metadata.name),
      ["ingress-cm", "ingress-web"],
    );
    assert.ok(
      manifest().claimedElsewhere.some((k) => k.includes("cni-cm")),
      "other add-ons' objects named",
    );
    assert.ok(!JSON.stringify(ingress()?.inputs).includes("ingress-web"), "no object in the inputs");
  });

  it("makes a Deployment's rollout a gate of its release, not a resource of its own", () => {
    assert.deepEqual(
      ofType("pulumi-nodejs:dynamic/tazuna:WaitUntil").map((w) => w.name),
      [],
    );
    assert.deepEqual(manifest().gates, [
      {
        target: "Deployment.v1.apps/ingress-web",
        namespace: "default",
        ready: { type: "rollout" },
        timeoutSeconds: 120,
      },
    ]);
    assert.match(String(ingress()?.inputs.readiness), /^[0-9a-f]{16}$/);
  });
});
