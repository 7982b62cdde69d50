/**
 * A generated foundation of about N objects, shaped like real add-ons: a CRD
 * add-on with large upstream CRDs (read from ../shared/upstream at run time,
 * never copied into the repository), then app add-ons that depend on it,
 * each a namespace with Deployments, Services, ConfigMaps and RBAC.
 */
import { copyFile, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";

const UPSTREAM = path.resolve(__dirname, "../../shared/upstream/prometheus-operator-v0.93.0-crds");
const CRDS = ["monitoring.coreos.com_podmonitors.yaml", "monitoring.coreos.com_servicemonitors.yaml"];
/** Objects per app unit: ConfigMap, Deployment, Service, ServiceAccount, Role, RoleBinding. */
const UNIT = 6;

function unit(ns: string, i: number): object[] {
  const name = `app-${i}`;
  const labels = { "app.kubernetes.io/name": name };
  const meta = { name, namespace: ns, labels };
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta,
      data: { "config.yaml": `replicas: 1\nlevel: info\nname: ${name}\n` },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta,
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            containers: [
              {
                name,
                image: "registry.example/app:1.0.0",
                ports: [{ containerPort: 8080, name: "http" }],
                resources: { requests: { cpu: "10m", memory: "16Mi" } },
                volumeMounts: [{ name: "config", mountPath: "/etc/app" }],
              },
            ],
            volumes: [{ name: "config", configMap: { name } }],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta,
      spec: { selector: labels, ports: [{ port: 80, targetPort: "http" }] },
    },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: meta,
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
    },
  ];
}

/** Writes the foundation into a temp folder and returns it. */
export async function generateFoundation(objects: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `tazuna-gen-${objects}-`));
  await mkdir(path.join(dir, "crds"));
  for (const f of CRDS) await copyFile(path.join(UPSTREAM, f), path.join(dir, "crds", f));
  // The CRDs and a namespace per app add-on count too; the rest is app units.
  const addons = Math.max(1, Math.round(objects / 100));
  const units = Math.max(1, Math.round((objects - CRDS.length - addons) / UNIT));
  const manifests: object[] = [{ name: "crds", type: "manifests", path: "crds" }];
  for (let a = 0; a < addons; a++) {
    const ns = `apps-${a}`;
    const docs = [{ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }];
    for (let i = a; i < units; i += addons) docs.push(...(unit(ns, i) as typeof docs));
    await mkdir(path.join(dir, ns));
    await writeFile(path.join(dir, ns, "objects.yaml"), docs.map((d) => stringify(d)).join("---\n"));
    manifests.push({ name: ns, type: "manifests", path: ns, dependsOn: ["crds"] });
  }
  const spec = { context_matches: ["tazuna-bench-.*"], manifests };
  await writeFile(
    path.join(dir, "tazuna.yaml"),
    stringify({ apiVersion: "tazuna.pepabo.com/v1", kind: "Tazuna", spec }),
  );
  return dir;
}

const SHARED = path.resolve(__dirname, "../../shared/upstream");

/**
 * Unmodified upstream releases as they are shipped: the Prometheus
 * Operator's CRDs and Argo CD's install (read from ../shared/upstream at run
 * time), with the namespace Argo CD's install expects.
 */
export async function upstreamFoundation(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "tazuna-upstream-"));
  await mkdir(path.join(dir, "ns"));
  await writeFile(
    path.join(dir, "ns", "ns.yaml"),
    stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "argocd" } }),
  );
  const manifests = [
    { name: "ns", type: "manifests", path: "ns" },
    { name: "crds", type: "manifests", path: path.join(SHARED, "prometheus-operator-v0.93.0-crds") },
    {
      name: "argocd",
      type: "manifests",
      path: path.join(SHARED, "argo-cd-v3.5.1"),
      namespace: "argocd",
      dependsOn: ["ns"],
      manifests: { files: ["install.yaml"] },
    },
  ];
  const spec = { context_matches: ["tazuna-bench-.*"], manifests };
  await writeFile(
    path.join(dir, "tazuna.yaml"),
    stringify({ apiVersion: "tazuna.pepabo.com/v1", kind: "Tazuna", spec }),
  );
  return dir;
}
