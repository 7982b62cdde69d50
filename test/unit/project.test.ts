/** Which project, program, cluster and kubeconfig a command uses, from what is in the folder. */
import { strict as assert } from "node:assert";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { UsageError } from "../../src/cli/errors";
import { backendOf } from "../../src/cli/cluster-stack";
import {
  builtInProjectName,
  clusterOf,
  projectOf,
  selectClusters,
  type GlobalOptions,
} from "../../src/cli/project";
import { currentContext, kubeconfigPath, stackNameOf } from "../../src/kube/kubeconfig";
import { kubectlFlags } from "../../src/kube/kubectl";

const KUBECONFIG = (ctx: string | undefined) =>
  `apiVersion: v1\nkind: Config\n${ctx ? `current-context: ${ctx}\n` : ""}contexts: []\n`;

async function folder(files: Record<string, string>): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), "tazuna-project-")), "platform-foundation");
  for (const [f, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await writeFile(path.join(dir, f), text);
  }
  return dir;
}

const opts = (project: string, more: Partial<GlobalOptions> = {}): GlobalOptions => ({
  project,
  output: "text",
  ...more,
});

describe("project and program", () => {
  it("a Pulumi.yaml means its own program, under its name", async () => {
    const dir = await folder({ "Pulumi.yaml": "name: acme-foundation\nruntime: nodejs\n" });
    assert.deepEqual(projectOf(opts(dir)), { dir, name: "acme-foundation", ownProgram: true });
    assert.throws(
      () => projectOf(opts(dir, { projectName: "other" })),
      /names the project "acme-foundation"/,
    );
  });

  it("Pulumi.yaml's backend is the state of both pulumi and tazuna, unless --backend or TAZUNA_BACKEND says otherwise", async () => {
    const dir = await folder({ "Pulumi.yaml": "name: a\nbackend:\n  url: file://./.tazuna/state\n" });
    assert.deepEqual(backendOf(opts(dir)), { url: `file://${dir}/.tazuna/state`, source: "Pulumi.yaml" });
    assert.equal(backendOf(opts(dir, { backend: "s3://b/p" })).url, "s3://b/p");
    const bare = await folder({});
    assert.deepEqual(backendOf(opts(bare)), { url: `file://${bare}/.tazuna/state`, source: "default" });
  });

  it("without one, the built-in program under the folder's name, or --project-name", async () => {
    const dir = await folder({ "tazuna.yaml": "spec: {manifests: []}\n" });
    assert.deepEqual(projectOf(opts(dir)), { dir, name: "platform-foundation", ownProgram: false });
    assert.equal(projectOf(opts(dir, { projectName: "team-a" })).name, "team-a");
  });

  it("project names keep to Pulumi's characters", () => {
    assert.equal(builtInProjectName("/x/My Platform (prod)"), "My-Platform-prod");
    assert.equal(builtInProjectName("/x/...", undefined), "tazuna");
  });
});

describe("clusters", () => {
  const saved = process.env.KUBECONFIG;
  afterEach(() => {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  });

  it("stack files name the clusters; one is picked by itself, several need --cluster", async () => {
    const one = await folder({ "stacks/Pulumi.dev.yaml": "config:\n  tazuna:context: kind-dev\n" });
    assert.deepEqual(await selectClusters(opts(one)), ["dev"]);
    const two = await folder({
      "stacks/Pulumi.a.yaml": "config:\n  tazuna:context: a\n",
      "stacks/Pulumi.b.yaml": "config:\n  tazuna:context: b\n",
    });
    await assert.rejects(selectClusters(opts(two)), /which cluster\? .*a, b/);
    assert.deepEqual(await selectClusters(opts(two, { all: true })), ["a", "b"]);
    await assert.rejects(
      selectClusters(opts(two, { context: "a" })),
      /--context is for folders without stack files/,
    );
  });

  it("a bare folder uses the current context of the merged KUBECONFIG list, as kubectl does", async () => {
    const dir = await folder({ "tazuna.yaml": "spec: {manifests: []}\n" });
    const first = path.join(dir, "first.yaml");
    const second = path.join(dir, "second.yaml");
    await writeFile(first, KUBECONFIG(undefined));
    await writeFile(second, KUBECONFIG("arn:aws:eks:eu-west-1:123:cluster/prod"));
    process.env.KUBECONFIG = [path.join(dir, "missing.yaml"), first, second].join(path.delimiter);
    const [name] = await selectClusters(opts(dir));
    assert.equal(name, "arn-aws-eks-eu-west-1-123-cluster-prod");
    const cluster = await clusterOf(opts(dir), name as string);
    assert.deepEqual(cluster.settings, { context: "arn:aws:eks:eu-west-1:123:cluster/prod" });
    assert.equal(cluster.source, "kubeconfig");
    // --context names another one; --cluster needs a stack file here.
    assert.deepEqual(await selectClusters(opts(dir, { context: "kind-dev" })), ["kind-dev"]);
    await assert.rejects(selectClusters(opts(dir, { cluster: "prod" })), UsageError);
    await assert.rejects(selectClusters(opts(dir, { all: true })), /--all: no stacks/);
  });

  it("no current context anywhere: says how to name one", async () => {
    const dir = await folder({ "k.yaml": KUBECONFIG(undefined) });
    process.env.KUBECONFIG = path.join(dir, "k.yaml");
    await assert.rejects(selectClusters(opts(dir)), /no current context .*\n {2}fix: pass --context NAME/);
  });
});

describe("kubeconfig", () => {
  const saved = process.env.KUBECONFIG;
  after(() => {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  });

  it("the stack's file wins; one KUBECONFIG file is passed on; a list is left to each tool to merge", () => {
    process.env.KUBECONFIG = "/a/one";
    assert.equal(kubeconfigPath({ kubeconfig: "k/config" }, "/p"), "/p/k/config");
    assert.equal(kubeconfigPath({}, "/p"), "/a/one");
    process.env.KUBECONFIG = ["/a/one", "/a/two"].join(path.delimiter);
    assert.equal(kubeconfigPath({}, "/p"), "");
    assert.deepEqual(kubectlFlags("", "ctx"), ["--context", "ctx"]);
    assert.deepEqual(kubectlFlags("/k", "ctx"), ["--kubeconfig", "/k", "--context", "ctx"]);
  });

  it("current-context comes from the first file that sets it; missing files are skipped", async () => {
    const dir = await folder({ "a.yaml": KUBECONFIG("first"), "b.yaml": KUBECONFIG("second") });
    assert.equal(
      currentContext([path.join(dir, "nope"), path.join(dir, "a.yaml"), path.join(dir, "b.yaml")]),
      "first",
    );
    assert.equal(currentContext([path.join(dir, "nope")]), undefined);
  });

  it("stack names from contexts keep to Pulumi's characters", () => {
    assert.equal(stackNameOf("gke_acme_europe-west1_prod"), "gke_acme_europe-west1_prod");
    assert.equal(stackNameOf("admin@prod.example"), "admin-prod.example");
  });
});
