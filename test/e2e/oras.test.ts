/**
 * oras add-ons and oci:// helm charts against a real OCI registry (the CNCF
 * distribution registry) in the test's network namespace, with artifacts
 * pushed by the real oras and helm CLIs: a folder artifact rendered by its
 * kustomize delegate, a one-tarball artifact rendered by its helmfile
 * delegate with vars, a chart pulled from oci://, a moved tag noticed, and a
 * missing tag refused naming the add-on and the reference. Then all three
 * applied to a local control plane through the tazuna command.
 */
import { strict as assert } from "node:assert";
import { cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { stringify } from "yaml";
import { useCluster } from "./cluster-fixture";
import { useRegistry } from "./registry-fixture";
import { exists } from "./tazuna-fixture";
import { TAZUNA_BIN as BIN, tazunaIn } from "../tazuna";

const AGENT_CHART = path.resolve(__dirname, "../fixtures/go-format/charts/agent");

const daemonSet = (image: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cni-agent}
spec:
  selector: {matchLabels: {app: cni-agent}}
  template:
    metadata: {labels: {app: cni-agent}}
    spec:
      containers: [{name: agent, image: ${image}}]
`;

describe("oras and oci:// charts against a local registry (e2e)", function () {
  this.timeout(900_000);
  const registry = useRegistry();
  const cluster = useCluster("tazuna-oras");
  let work: string;
  let dir: string;
  let cache: string;

  const run = (cmd: string, args: string[], cwd = work) => execa(cmd, args, { cwd });
  const pushCni = async (image: string) => {
    const src = path.join(work, "cni-src");
    await mkdir(path.join(src, "deploy"), { recursive: true });
    await writeFile(path.join(src, "deploy", "kustomization.yaml"), "resources: [daemonset.yaml]\n");
    await writeFile(path.join(src, "deploy", "daemonset.yaml"), daemonSet(image));
    // A folder: oras packs it as one tar.gz layer and unpacks it on pull.
    await run("oras", ["push", "--plain-http", `${registry().host}/foundation/cni:1.0.0`, "deploy"], src);
  };
  const tazuna = tazunaIn(() => dir, { env: () => ({ XDG_CACHE_HOME: cache }) });
  const declaration = (cniTag: string) => `apiVersion: tazuna.pepabo.com/v1
kind: Tazuna
spec:
  manifests:
    - name: namespaces
      type: manifests
      path: namespaces
    - name: cni
      type: oras
      path: .
      oras:
        reference: ${registry().host}/foundation/cni:${cniTag}
        target: /deploy
        plainHTTP: true
        delegate: {type: kustomize, kustomize: {defaultNamespace: kube-system}}
    - name: bundle
      type: oras
      path: .
      dependsOn: [cni, namespaces]
      oras:
        reference: ${registry().host}/foundation/bundle:2.0.0
        plainHTTP: true
        delegate:
          type: helmfile
          helmfile:
            defaultNamespace: bundle
            vars:
              replicas: {from: static, static: "3"}
    - name: chart
      type: helm
      namespace: charts
      dependsOn: [cni, namespaces]
      helm:
        chart: oci://${registry().host}/charts/agent
        version: 1.2.0
        plainHTTP: true
        values: {replicas: 1}
`;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "tazuna-oras-"));
    cache = path.join(work, "cache");
    dir = path.join(work, "project");
    await mkdir(path.join(dir, "stacks"), { recursive: true });
    await pushCni("registry.invalid/cni:1.0.0");
    // One tar.gz layer holding a helmfile and its chart, as other tools push artifacts.
    const bundle = path.join(work, "bundle-src");
    await cp(AGENT_CHART, path.join(bundle, "chart"), { recursive: true });
    await writeFile(
      path.join(bundle, "helmfile.yaml.gotmpl"),
      "releases:\n  - name: bundle-agent\n    chart: ./chart\n    values:\n      - replicas: {{ .Values.replicas }}\n",
    );
    await run("tar", ["-czf", path.join(work, "bundle.tar.gz"), "-C", bundle, "."]);
    await run("oras", [
      "push",
      "--plain-http",
      `${registry().host}/foundation/bundle:2.0.0`,
      "bundle.tar.gz:application/vnd.oci.image.layer.v1.tar+gzip",
    ]);
    await run("helm", ["package", AGENT_CHART, "-d", work]);
    await run("helm", [
      "push",
      path.join(work, "agent-1.2.0.tgz"),
      `oci://${registry().host}/charts`,
      "--plain-http",
    ]);
    await writeFile(path.join(dir, "tazuna.yaml"), declaration("1.0.0"));
    await mkdir(path.join(dir, "namespaces"));
    await writeFile(
      path.join(dir, "namespaces", "namespaces.yaml"),
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: bundle}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: charts}\n",
    );
    await writeFile(
      path.join(dir, "stacks", "Pulumi.local.yaml"),
      stringify({
        config: { "tazuna:context": cluster().context, "tazuna:kubeconfig": cluster().kubeconfig },
      }),
    );
  });

  it("renders each artifact with its delegate, and a chart from oci://", async () => {
    const res = await tazuna(["build"]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.match(
      res.stdout,
      /# add-on: cni\n[\s\S]*kind: DaemonSet[\s\S]*namespace: kube-system[\s\S]*registry\.invalid\/cni:1\.0\.0/,
    );
    assert.match(
      res.stdout,
      /# add-on: bundle\n[\s\S]*name: agent\n[\s\S]*namespace: bundle[\s\S]*replicas: 3/,
    );
    assert.match(res.stdout, /# add-on: chart\n[\s\S]*namespace: charts[\s\S]*replicas: 1/);
  });

  it("reuses a cached tag without asking the registry, as the Go tool does; --no-cache sees a moved tag", async () => {
    await pushCni("registry.invalid/cni:1.0.1");
    const cached = await tazuna(["build"]);
    assert.equal(cached.exitCode, 0, cached.stderr);
    assert.match(cached.stdout, /registry\.invalid\/cni:1\.0\.0/, "the cached digest of the tag");
    // The Go tool's layout: the tag's digest under refs/, the content under blobs/<digest>.
    const ref = await readFile(
      path.join(
        cache,
        "tazuna",
        "oras",
        "refs",
        `${registry().host}/foundation/cni:1.0.0`.replace(/[/:@]/g, "_"),
      ),
      "utf8",
    );
    assert.match(ref.trim(), /^sha256:[0-9a-f]{64}$/);
    const res = await tazuna(["build", "--no-cache"]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.match(res.stdout, /registry\.invalid\/cni:1\.0\.1/);
    assert.doesNotMatch(res.stdout, /registry\.invalid\/cni:1\.0\.0/);
    // The cache now holds the moved tag: a plain render sees it too.
    assert.match((await tazuna(["build"])).stdout, /registry\.invalid\/cni:1\.0\.1/);
    const both = await tazuna(["build", "--no-cache", "--offline"]);
    assert.equal(both.exitCode, 1);
    assert.match(both.stderr, /--no-cache and --offline contradict each other/);
  });

  it("a missing tag is an error naming the add-on and the reference", async () => {
    await writeFile(path.join(dir, "tazuna.yaml"), declaration("9.9.9"));
    const res = await tazuna(["build"]);
    assert.equal(res.exitCode, 1);
    assert.match(
      res.stderr,
      new RegExp(
        `add-on "cni": rendering failed[\\s\\S]*${registry().host.replace(/\./g, "\\.")}/foundation/cni:9\\.9\\.9`,
      ),
    );
    assert.match(res.stderr, /fix: no artifact or tag .* check oras\.reference/);
    await writeFile(path.join(dir, "tazuna.yaml"), declaration("1.0.0"));
  });

  it("applies all three to a cluster; a second plan has no changes", async () => {
    const applied = await tazuna(["--cluster", "local", "apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    const k = cluster().kubectl();
    assert.ok(await exists(k, ["daemonset", "cni-agent", "-n", "kube-system"]));
    assert.equal(
      await k(["get", "deployment", "agent", "-n", "bundle", "-o", "jsonpath={.spec.replicas}"]),
      "3",
    );
    assert.equal(
      await k(["get", "deployment", "agent", "-n", "charts", "-o", "jsonpath={.spec.replicas}"]),
      "1",
    );
    const plan = await tazuna(["--cluster", "local", "plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 0, `${plan.stdout}\n${plan.stderr}`);
  });

  /** An HTTP chart repository on loopback, a newer chart in the registry, and a project whose charts come from both (made once). */
  let chartsMade:
    Promise<{ server: ReturnType<typeof createServer>; url: string; charts: string }> | undefined;
  const chartsProject = () => (chartsMade ??= makeChartsProject());
  async function makeChartsProject() {
    // An HTTP chart repository: agent 1.2.0 and 1.3.0 (and a pre-release, which does not count), indexed by helm.
    const repo = path.join(work, "http-repo");
    await mkdir(repo, { recursive: true });
    for (const v of ["1.2.0", "1.3.0", "2.0.0-rc.1"])
      await run("helm", ["package", AGENT_CHART, "--version", v, "-d", repo]);
    const server = createServer((req, res) => {
      readFile(path.join(repo, path.basename(req.url ?? ""))).then(
        (body) => res.end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await run("helm", ["repo", "index", repo, "--url", url]);
    // A newer chart in the registry than the one declared.
    await run("helm", ["package", AGENT_CHART, "--version", "1.4.0", "-d", work]);
    await run("helm", [
      "push",
      path.join(work, "agent-1.4.0.tgz"),
      `oci://${registry().host}/charts`,
      "--plain-http",
    ]);
    const charts = path.join(work, "charts-project");
    await mkdir(path.join(charts, "fleet"), { recursive: true });
    await cp(AGENT_CHART, path.join(charts, "local-agent"), { recursive: true });
    await writeFile(
      path.join(charts, "fleet", "helmfile.yaml"),
      `repositories:\n  - name: acme\n    url: ${url}\nreleases:\n  - name: fleet-agent\n    chart: acme/agent\n    version: 1.2.0\n`,
    );
    await writeFile(
      path.join(charts, "tazuna.yaml"),
      stringify({
        apiVersion: "tazuna.pepabo.com/v1",
        kind: "Tazuna",
        spec: {
          manifests: [
            {
              name: "from-http",
              type: "helm",
              path: ".",
              helm: { repo: url, chart: "agent", version: "1.2.0" },
            },
            {
              name: "from-oci",
              type: "helm",
              path: ".",
              helm: { chart: `oci://${registry().host}/charts/agent`, version: "1.2.0", plainHTTP: true },
            },
            { name: "local", type: "helm", path: "local-agent" },
            { name: "fleet", type: "helmfile", path: "fleet" },
          ],
        },
      }),
    );
    return { server, url, charts };
  }

  it("chart list --check-latest names each chart's newest version: an HTTP repository's index on loopback, the registry's tags, (local)", async () => {
    const { charts } = await chartsProject();
    const list = await execa(BIN, ["-p", charts, "chart", "list", "--check-latest"], {
      reject: false,
      cwd: charts,
      env: { XDG_CACHE_HOME: cache },
    });
    assert.equal(list.exitCode, 0, list.stderr);
    const rows = list.stdout.split("\n").map((l) => l.split(/ {2,}/));
    assert.deepEqual(rows[0], ["CHART", "RELEASE", "FILE", "VERSION", "LATEST"]);
    assert.deepEqual(rows.slice(1), [
      ["agent", "from-http", "tazuna.yaml", "1.2.0", "1.3.0"],
      [`oci://${registry().host}/charts/agent`, "from-oci", "tazuna.yaml", "1.2.0", "1.4.0"],
      ["local-agent", "local", "tazuna.yaml", "1.2.0", "(local)"],
      ["acme/agent", "fleet-agent", "fleet/helmfile.yaml", "1.2.0", "1.3.0"],
    ]);
  });

  it("chart list without --check-latest asks nothing: the list alone", async () => {
    const { charts } = await chartsProject();
    const plain = await execa(BIN, ["-p", charts, "chart", "list", "-o", "json"], { cwd: charts });
    const doc = JSON.parse(plain.stdout) as { charts: { latest?: string }[] };
    assert.equal(doc.charts.length, 4);
    assert.ok(doc.charts.every((c) => c.latest === undefined));
  });

  it("chart list --check-latest: a repository that does not answer is an error naming it, exit 1", async () => {
    const { server, url, charts } = await chartsProject();
    server.close();
    const gone = await execa(BIN, ["-p", charts, "chart", "list", "--check-latest"], {
      reject: false,
      cwd: charts,
    });
    assert.equal(gone.exitCode, 1);
    assert.match(gone.stdout, new RegExp(`error: ${url.replace(/\./g, "\\.")}/index\\.yaml`));
  });

  it("with the registry stopped: --offline renders from the cache; an empty cache or --no-cache fails naming the reference", async () => {
    await registry().stop();
    const offline = await tazuna(["build", "--offline"]);
    assert.equal(offline.exitCode, 0, offline.stderr);
    assert.match(offline.stdout, /# add-on: cni\n[\s\S]*kind: DaemonSet/);
    assert.match(
      offline.stdout,
      /# add-on: chart\n[\s\S]*namespace: charts/,
      "the oci:// chart from the cache",
    );
    const plan = await tazuna(["--cluster", "local", "plan", "--offline", "--detailed-exitcode"]);
    assert.equal(
      plan.exitCode,
      0,
      `the engine's program renders offline too\n${plan.stdout}\n${plan.stderr}`,
    );

    const empty = await mkdtemp(path.join(tmpdir(), "tazuna-empty-cache-"));
    const miss = await execa(BIN, ["-p", dir, "build", "--offline"], {
      reject: false,
      stdin: "ignore",
      env: { XDG_CACHE_HOME: empty },
    });
    assert.equal(miss.exitCode, 1);
    const host = registry().host.replace(/\./g, "\\.");
    assert.match(
      miss.stderr,
      new RegExp(
        `--offline: ${host}/(foundation/cni:1\\.0\\.0|foundation/bundle:2\\.0\\.0|charts/agent:1\\.2\\.0) is not in the artifact cache`,
      ),
    );
    const fresh = await tazuna(["build", "--no-cache"]);
    assert.equal(fresh.exitCode, 1, "--no-cache asks the stopped registry");
    assert.match(fresh.stderr, new RegExp(`${host}/(foundation/(cni|bundle)|charts/agent)`));
  });
});
