/**
 * The project and helpers the safety tests share: a copy of
 * test/fixtures/safety on a local control plane, tazuna.yaml written per
 * step, and the audit log's writes since a mark.
 */
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { stringify } from "yaml";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { persistedWritesBy, readAudit, type AuditEvent } from "../audit";
import { useCluster } from "./cluster-fixture";
import { tazunaIn } from "../tazuna";
import { projectFrom } from "../projects";

const FIXTURE = path.resolve(__dirname, "../fixtures/safety");
const ARGO_CD = path.resolve(__dirname, "../../../shared/upstream/argo-cd-v3.5.1");
const CRDS = path.resolve(__dirname, "../../../shared/upstream/prometheus-operator-v0.93.0-crds");

export interface Entry {
  name: string;
  handOff?: boolean;
  type: string;
  path: string;
  dependsOn?: string[];
  namespace?: string;
  manifests?: { files: string[] };
  helm?: Record<string, unknown>;
}

/** The Prometheus Operator's CRDs for Prometheus (833 KB of YAML) and ServiceMonitor. */
export const crdAddon = (name: string): Entry => ({
  name,
  type: "manifests",
  path: CRDS,
  manifests: {
    files: ["monitoring.coreos.com_prometheuses.yaml", "monitoring.coreos.com_servicemonitors.yaml"],
  },
});

/** Argo CD's unmodified cluster install, into the argocd namespace that extras holds. */
export const argocd: Entry = {
  name: "argocd",
  type: "manifests",
  path: ARGO_CD,
  namespace: "argocd",
  dependsOn: ["extras"],
  manifests: { files: ["install.yaml"] },
};

/** Holds the apps and argocd Namespaces: removing another add-on never takes a namespace with it. */
export const extras: Entry = { name: "extras", type: "manifests", path: "extras" };

/** A chart shaped like upstream ones: weighted hooks, a test hook, an HPA. */
export const web: Entry = {
  name: "web",
  type: "helm",
  path: "charts/web",
  namespace: "apps",
  dependsOn: ["extras"],
  helm: { releaseName: "web" },
};

export const monitors = (crds: string): Entry => ({
  name: "monitors",
  type: "manifests",
  path: "monitors",
  dependsOn: [crds, "extras"],
});

export const at = (e: AuditEvent) => `${e.verb} ${e.objectRef?.resource ?? ""} ${e.objectRef?.name ?? ""}`;

export function useSafetyProject(clusterName: string, first: Entry[]) {
  const cluster = useCluster(clusterName);
  let dir = "";
  let since = "";
  const tazuna = (args: string[]) => tazunaIn(() => dir, { cluster: "local" })(args);
  const declare = (entries: Entry[]) =>
    writeFile(
      path.join(dir, "tazuna.yaml"),
      stringify({
        apiVersion: "tazuna.pepabo.com/v1",
        kind: "Tazuna",
        spec: { context_matches: ["tazuna-.*"], manifests: entries },
      }),
    );
  before(async () => {
    dir = await projectFrom(FIXTURE, "safety", {
      local: { "tazuna:context": cluster().context, "tazuna:kubeconfig": cluster().kubeconfig },
    });
    await declare(first);
  });
  return {
    cluster,
    dir: () => dir,
    tazuna,
    declare,
    /** From now on, writes() counts. */
    mark: () => {
      since = new Date().toISOString();
    },
    writes: async () => persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, since),
  };
}
