/** Each render backend against the real tool, on the example foundation and small fixtures. */
import { strict as assert } from "node:assert";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Addon } from "../../src/addon-types";
import { addon as made } from "../addons";
import { renderAddon, renderAll } from "../../src/addon-types";
import { RenderError } from "../../src/errors/render";

const EXAMPLE = path.resolve(__dirname, "../../examples/foundation");

const addon = (over: Partial<Addon> & Pick<Addon, "name" | "type">): Addon =>
  made({ baseDir: EXAMPLE, ...over });

const kinds = (objs: { kind: string }[]) => objs.map((o) => o.kind).sort();

describe("render", function () {
  this.timeout(60_000);

  it("kustomize builds the folder", async () => {
    const objs = await renderAddon(
      addon({ name: "cm", type: "kustomize", dir: path.join(EXAMPLE, "cert-manager/base") }),
    );
    assert.deepEqual(kinds(objs), [
      "ClusterIssuer",
      "ClusterRole",
      "ClusterRoleBinding",
      "CustomResourceDefinition",
      "CustomResourceDefinition",
      "Deployment",
      "Namespace",
      "ServiceAccount",
    ]);
    assert.equal(objs.find((o) => o.kind === "Deployment")?.metadata.namespace, "cert-manager");
  });

  it("kustomize defaultNamespace fills only namespaced objects", async () => {
    const objs = await renderAddon(
      addon({
        name: "argo",
        type: "kustomize",
        dir: path.join(EXAMPLE, "argocd/base"),
        kustomize: { defaultNamespace: "other" },
      }),
    );
    assert.equal(objs.find((o) => o.kind === "Namespace")?.metadata.namespace, undefined);
    assert.equal(objs.find((o) => o.kind === "CustomResourceDefinition")?.metadata.namespace, undefined);
    assert.equal(objs.find((o) => o.kind === "Deployment")?.metadata.namespace, "argocd");
  });

  it("helm templates a local chart with inline values and the release namespace", async () => {
    const objs = await renderAddon(
      addon({
        name: "ingress",
        type: "helm",
        dir: path.join(EXAMPLE, "charts/ingress-lite"),
        namespace: "edge",
        helm: { values: { replicaCount: 4 } },
      }),
    );
    const dep = objs.find((o) => o.kind === "Deployment") as unknown as {
      metadata: { name: string; namespace?: string };
      spec: { replicas: number };
    };
    assert.equal(dep.metadata.name, "ingress-controller");
    assert.equal(dep.metadata.namespace, "edge");
    assert.equal(dep.spec.replicas, 4);
  });

  it("helmfile templates releases with vars as environment variables", async () => {
    const objs = await renderAddon(
      addon({
        name: "metrics",
        type: "helmfile",
        dir: path.join(EXAMPLE, "metrics"),
        helmfile: { vars: { METRICS_REPLICAS: { static: "3" } } },
      }),
    );
    const dep = objs.find((o) => o.kind === "Deployment") as unknown as {
      spec: { replicas: number };
      metadata: { namespace?: string };
    };
    assert.equal(dep.spec.replicas, 3);
    assert.equal(dep.metadata.namespace, "kube-system");
  });

  it("a helmfile template renders neither the passphrase (env), an age key (readFile) nor a program's output (exec)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "render-"));
    await mkdir(path.join(dir, "chart", "templates"), { recursive: true });
    await writeFile(path.join(dir, "chart", "Chart.yaml"), "apiVersion: v2\nname: leak\nversion: 0.1.0\n");
    await writeFile(
      path.join(dir, "chart", "templates", "cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leak}\ndata: {v: {{ .Values.v | quote }}}\n",
    );
    const keyFile = path.join(dir, "keys.txt");
    await writeFile(keyFile, "AGE-SECRET-KEY-1SENTINEL\n");
    const helmfile = (v: string) =>
      `releases:\n  - name: leak\n    chart: ./chart\n    values:\n      - v: {{ ${v} | quote }}\n`;
    const render = async (v: string) => {
      await writeFile(path.join(dir, "helmfile.yaml"), helmfile(v));
      return renderAddon(addon({ name: "leak", type: "helmfile", dir }));
    };
    const saved = process.env.PULUMI_CONFIG_PASSPHRASE;
    process.env.PULUMI_CONFIG_PASSPHRASE = "sentinel-passphrase";
    try {
      const viaEnv = await render('env "PULUMI_CONFIG_PASSPHRASE"');
      assert.deepEqual((viaEnv[0] as { data?: unknown }).data, { v: "" }, "env sees no passphrase");
      await assert.rejects(
        render(`readFile "${keyFile}"`),
        /calls readFile .*reads outside the helmfile's folder/,
      );
      await assert.rejects(render('exec "id" (list)'), /calls exec, which runs a program/);
      // The control: env still gives what Tazuna passes (helmfile vars), and a file beside it can be read.
      await writeFile(path.join(dir, "note.txt"), "beside");
      const beside = await render('readFile "note.txt"');
      assert.deepEqual((beside[0] as { data?: unknown }).data, { v: "beside" });
    } finally {
      if (saved === undefined) Reflect.deleteProperty(process.env, "PULUMI_CONFIG_PASSPHRASE");
      else process.env.PULUMI_CONFIG_PASSPHRASE = saved;
    }
  });

  it("helmfile gets the environment as .Environment.Name, as the Go tool gives it, and vars as .Values", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "render-"));
    await mkdir(path.join(dir, "chart", "templates"), { recursive: true });
    await writeFile(path.join(dir, "chart", "Chart.yaml"), "apiVersion: v2\nname: env\nversion: 0.1.0\n");
    await writeFile(
      path.join(dir, "chart", "templates", "cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: env}\ndata: {env: {{ .Values.env | quote }}, owner: {{ .Values.owner | quote }}}\n",
    );
    // A plain helmfile.yaml (not .gotmpl) with template actions, as the Go tool's users write them.
    await writeFile(
      path.join(dir, "helmfile.yaml"),
      "releases:\n  - name: env\n    chart: ./chart\n    values:\n      - env: {{ .Environment.Name }}\n        owner: {{ .Values.owner }}\n",
    );
    const render = (environment: string) =>
      renderAddon(
        addon({
          name: "env",
          type: "helmfile",
          dir,
          environment,
          helmfile: { vars: { owner: { from: "static", static: "platform" } } },
        }),
      );
    const data = async (environment: string) =>
      (
        (await render(environment)).find((o) => o.kind === "ConfigMap") as unknown as {
          data: Record<string, string>;
        }
      ).data;
    assert.deepEqual(await data("prod"), { env: "prod", owner: "platform" });
    assert.deepEqual(await data(""), { env: "default", owner: "platform" });
  });

  it("a helmfile var from a secret store may end up in a Secret, never in another object", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "render-"));
    await mkdir(path.join(dir, "chart", "templates"), { recursive: true });
    await writeFile(path.join(dir, "chart", "Chart.yaml"), "apiVersion: v2\nname: s\nversion: 0.1.0\n");
    const kind = (k: string) =>
      writeFile(
        path.join(dir, "chart", "templates", "obj.yaml"),
        `apiVersion: v1\nkind: ${k}\nmetadata: {name: obj}\n${k === "Secret" ? "stringData" : "data"}: {token: {{ .Values.token | quote }}}\n`,
      );
    await writeFile(
      path.join(dir, "helmfile.yaml.gotmpl"),
      "releases:\n  - name: s\n    chart: ./chart\n    values:\n      - token: {{ .StateValues.token | quote }}\n",
    );
    // The 1Password CLI's stand-in from the secrets e2e, with one item.
    const items = path.join(dir, "items.json");
    const fields = [{ id: "f", label: "token", value: "from-the-store-4c1d" }];
    await writeFile(items, JSON.stringify({ "platform/api": { fields } }));
    const saved = { PATH: process.env.PATH, items: process.env.TAZUNA_E2E_OP_ITEMS };
    process.env.PATH = `${path.resolve(__dirname, "../fixtures/secrets/bin")}:${process.env.PATH ?? ""}`;
    process.env.TAZUNA_E2E_OP_ITEMS = items;
    const render = () =>
      renderAddon(
        addon({
          name: "api",
          type: "helmfile",
          dir,
          helmfile: {
            vars: {
              token: { from: "op", op: { key: "label", vault: "platform", item: "api", field: "token" } },
            },
          },
        }),
      );
    try {
      await kind("Secret");
      const secret = (await render()).find((o) => o.kind === "Secret") as unknown as {
        stringData: Record<string, string>;
      };
      assert.equal(secret.stringData.token, "from-the-store-4c1d", "the control: the value is used");
      await kind("ConfigMap");
      await assert.rejects(render(), (err: Error) => {
        assert.ok(err instanceof RenderError, String(err));
        assert.match(
          err.message,
          /helmfile\.vars\.token.*ends up in ConfigMap obj at data\.\w+, outside a Secret.s data/s,
        );
        assert.ok(!err.message.includes("from-the-store-4c1d"), "the error never shows the value");
        return true;
      });
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.items === undefined) delete process.env.TAZUNA_E2E_OP_ITEMS;
      else process.env.TAZUNA_E2E_OP_ITEMS = saved.items;
    }
  });

  it("manifests reads a folder, flattens Lists and defaults the namespace", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "render-"));
    await writeFile(
      path.join(dir, "a.yaml"),
      "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- {apiVersion: v1, kind: Namespace, metadata: {name: n}}\n",
    );
    await writeFile(
      path.join(dir, "b.json"),
      JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "x" } }),
    );
    await writeFile(path.join(dir, "notes.txt"), "ignored");
    const objs = await renderAddon(addon({ name: "m", type: "manifests", dir, namespace: "apps" }));
    assert.deepEqual(
      objs.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`),
      ["ConfigMap/apps/a", "Namespace//n", "Secret/x/s"],
    );
  });

  it("plugin output becomes objects; a failing plugin names the add-on, the command and its stderr", async () => {
    const objs = await renderAddon(
      addon({
        name: "p",
        type: "plugin",
        plugin: {
          command: "sh",
          args: ["-c", "echo 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-plugin}'"],
        },
      }),
    );
    assert.equal(objs[0]?.metadata.name, "from-plugin");
    const err = await renderAddon(
      addon({
        name: "broken",
        type: "plugin",
        plugin: { command: "sh", args: ["-c", "echo boom >&2; exit 3"] },
      }),
    ).catch((e: unknown) => e);
    assert.ok(err instanceof RenderError);
    assert.match(err.message, /add-on "broken"/);
    assert.match(err.message, /command: sh -c 'echo boom >&2; exit 3'/);
    assert.match(err.message, /\| boom/);
  });

  it("a render tool sees an allowlisted environment: never the passphrase, cloud or secret-store credentials", async () => {
    const planted = {
      PULUMI_CONFIG_PASSPHRASE: "sentinel-passphrase",
      AWS_SECRET_ACCESS_KEY: "sentinel-aws",
      OP_SERVICE_ACCOUNT_TOKEN: "sentinel-op",
      SOPS_AGE_KEY: "AGE-SECRET-KEY-SENTINEL",
      HELM_CACHE_HOME: "/tmp/helm-cache-allowed",
    };
    const saved = Object.fromEntries(Object.keys(planted).map((k) => [k, process.env[k]]));
    Object.assign(process.env, planted);
    try {
      const objs = await renderAddon(
        addon({
          name: "env",
          type: "plugin",
          plugin: {
            command: "sh",
            // Every variable the plugin sees, as one ConfigMap key each.
            args: [
              "-c",
              "printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: env}\\ndata:\\n'; env | sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=\\(.*\\)$/  \\1: \"\\2\"/p'",
            ],
            env: { DECLARED: "by-the-plugin-block" },
          },
        }),
      );
      const data = (objs[0] as { data?: Record<string, string> }).data ?? {};
      for (const name of [
        "PULUMI_CONFIG_PASSPHRASE",
        "AWS_SECRET_ACCESS_KEY",
        "OP_SERVICE_ACCOUNT_TOKEN",
        "SOPS_AGE_KEY",
      ])
        assert.equal(data[name], undefined, `${name} reached the plugin`);
      assert.doesNotMatch(JSON.stringify(data), /sentinel|SENTINEL/);
      // The controls: what a tool needs, and what the declaration gives it, do arrive.
      assert.equal(data.PATH, process.env.PATH);
      assert.equal(data.HELM_CACHE_HOME, "/tmp/helm-cache-allowed");
      assert.equal(data.DECLARED, "by-the-plugin-block");
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) Reflect.deleteProperty(process.env, k);
        else process.env[k] = v;
    }
  });

  it("a failing kustomize shows its stderr and exact command line", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "render-"));
    await mkdir(path.join(dir, "k"));
    await writeFile(path.join(dir, "k/kustomization.yaml"), "resources: [missing.yaml]\n");
    const err = await renderAddon(addon({ name: "k", type: "kustomize", dir: path.join(dir, "k") })).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof RenderError);
    assert.match(err.message, new RegExp(`command: kustomize build -- ${path.join(dir, "k")}`));
    assert.match(err.message, /missing\.yaml/);
  });

  it("renderAll keeps every add-on's objects under its name", async () => {
    const out = await renderAll([
      addon({ name: "cni", type: "manifests", dir: path.join(EXAMPLE, "cni") }),
      addon({ name: "cm", type: "kustomize", dir: path.join(EXAMPLE, "cert-manager/base") }),
    ]);
    assert.deepEqual([...out.keys()], ["cni", "cm"]);
    // kustomize's namespace: stamps the cluster-scoped ClusterIssuer too; its CRD says Cluster.
    const issuer = out.get("cm")?.find((o) => o.kind === "ClusterIssuer");
    assert.equal(issuer?.metadata.namespace, undefined);
    assert.equal(out.get("cni")?.length, 3);
  });
});
