/** type: helm — `helm template` of a local chart folder or a chart in a repository. */
import * as path from "node:path";
import { toGoYaml } from "./yaml-out";
import type { Addon } from "../config/model";
import { parseObjects, withDefaultNamespace, type K8sObject } from "./objects";
import { runTool } from "./run";
import { scratchDir } from "../temp";

export async function renderHelm(a: Addon): Promise<K8sObject[]> {
  const h = a.helm ?? {};
  const remote = h.repo !== undefined || h.chart?.startsWith("oci://");
  const chart = remote ? (h.chart ?? "") : path.resolve(a.baseDir, h.chart ?? a.dir ?? ".");
  const tmp = await scratchDir(`helm-${a.name}`);
  try {
    const args = ["template"];
    if (h.repo) args.push("--repo", h.repo);
    if (h.version) args.push("--version", h.version);
    if (h.plainHTTP) args.push("--plain-http");
    if (h.insecureSkipTLSVerify) args.push("--insecure-skip-tls-verify");
    if (a.namespace) args.push("--namespace", a.namespace);
    if (h.includeCRDs !== false) args.push("--include-crds");
    if (h.kubeVersion) args.push("--kube-version", h.kubeVersion);
    for (const v of h.apiVersions ?? []) args.push("--api-versions", v);
    // Test hooks run only under `helm test`; a foundation never applies them.
    args.push("--skip-tests");
    for (const f of h.valuesFiles ?? []) args.push("--values", path.resolve(a.baseDir, f));
    if (h.values) {
      // The values may hold a stack var from a secret store.
      args.push("--values", await tmp.write("values.yaml", toGoYaml(h.values)));
    }
    // After `--`, a release name or chart path is never read as a flag.
    args.push("--", h.releaseName ?? a.name, chart);
    const out = await runTool({
      addon: a.name,
      command: "helm",
      args,
      cwd: a.baseDir,
      fix: "fix the chart or its values; run the command above to see the same error",
    });
    return withDefaultNamespace(parseObjects(out, `helm template ${chart}`), a.namespace);
  } finally {
    await tmp.remove();
  }
}
