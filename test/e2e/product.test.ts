/**
 * Tazuna as a platform team gets it: the packed tarball (scripts/prepare-e2e.sh
 * packs it before the suite) installed with npm into empty folders, then used
 * against a local control plane. One program for `tazuna` and `pulumi`; the
 * Go tool's folder-only habit; safe defaults; doctor.
 */
import { strict as assert } from "node:assert";
import { access, appendFile, mkdir, mkdtemp, readFile, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { readAudit, writesBy } from "../audit";
import { useCluster } from "./cluster-fixture";
import { useCollector } from "./collector-fixture";
import { PASSPHRASE, exists } from "./tazuna-fixture";

const TARBALL = path.join(process.env.TAZUNA_CACHE ?? "", "e2e", "tazuna.tgz");
const NPM_OFFLINE = ["--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"];

describe("the packed package, installed into empty folders", function () {
  this.timeout(600_000);
  const cluster = useCluster("tazuna-product");
  let root: string;
  let tazunaBin: string;
  const env = () => ({
    KUBECONFIG: cluster().kubeconfig,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
  });
  const tazuna = (cwd: string, args: string[], over: { env?: Record<string, string> } = {}) =>
    execa(tazunaBin, args, { cwd, reject: false, stdin: "ignore", env: over.env ?? env() });

  before(async function () {
    root = await mkdtemp(path.join(tmpdir(), "tazuna-product-"));
    // As a user would: the CLI installed globally (here into a prefix), from the tarball.
    const g = await execa(
      "npm",
      ["install", "--global", "--prefix", `${root}/global`, ...NPM_OFFLINE, TARBALL],
      {
        reject: false,
      },
    );
    assert.equal(g.exitCode, 0, `npm install -g of the tarball: ${g.stderr}`);
    tazunaBin = path.join(root, "global", "bin", "tazuna");
  });

  describe("a project made by tazuna init: one program for tazuna and pulumi", () => {
    let app: string;
    const collector = useCollector();
    const pulumi = (args: string[], more: Record<string, string> = {}) =>
      execa("pulumi", args, {
        cwd: app,
        reject: false,
        stdin: "ignore",
        // No PULUMI_BACKEND_URL: Pulumi.yaml's backend (file://./.tazuna/state) is tazuna's state too.
        env: { ...env(), PULUMI_BACKEND_URL: undefined, ...more },
      });

    it("init writes a complete project and says what to do next", async () => {
      app = path.join(root, "app");
      const init = await tazuna(root, [
        "-p",
        app,
        "init",
        "--cluster",
        "local",
        "--context",
        cluster().context,
      ]);
      assert.equal(init.exitCode, 0, init.stderr);
      for (const f of [
        "package.json",
        "tsconfig.json",
        ".gitignore",
        "Pulumi.yaml",
        "index.ts",
        "tazuna.yaml",
        "base/namespace.yaml",
        "stacks/Pulumi.local.yaml",
      ])
        assert.match(init.stdout, new RegExp(`wrote ${f.replace(".", "\\.")}`), f);
      assert.match(init.stdout, /Next:[\s\S]*npm install[\s\S]*tazuna apply --cluster local/);
      const pkg = JSON.parse(await readFile(path.join(app, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      };
      assert.deepEqual(Object.keys(pkg.dependencies).sort(), [
        "@pulumi/kubernetes",
        "@pulumi/pulumi",
        "tazuna",
      ]);
      assert.match(await readFile(path.join(app, ".gitignore"), "utf8"), /^\.tazuna\/$/m);
      assert.match(await readFile(path.join(app, "index.ts"), "utf8"), /from "tazuna"/);
      // A global install from a tarball leaves npm no record of it: init says so, and its next
      // steps (and the README's) install the tarball by its path, with no registry that has tazuna.
      assert.equal(pkg.dependencies.tazuna, "^0.1.0");
      assert.match(
        init.stdout,
        /package\.json: tazuna \^0\.1\.0, from the npm registry \(npm keeps no record/,
      );
      assert.match(
        init.stdout,
        /npm install \/path\/to\/tazuna-0\.1\.0\.tgz +# the tarball you installed tazuna from/,
      );
      const npm = await execa("npm", ["install", ...NPM_OFFLINE, TARBALL], { cwd: app, reject: false });
      assert.equal(npm.exitCode, 0, npm.stderr);
      await access(path.join(app, "node_modules", "tazuna", "dist", "library.js"));
      // The editor schema line init wrote names a file the install brought.
      const schemaLine = (await readFile(path.join(app, "tazuna.yaml"), "utf8")).split("\n")[0] ?? "";
      const schemaPath = /^# yaml-language-server: \$schema=(\S+)$/.exec(schemaLine)?.[1];
      assert.ok(schemaPath, schemaLine);
      await access(path.join(app, schemaPath));
      // Installed into a project, npm records the tarball: that tazuna's init depends on it by path.
      const local = await execa(
        path.join(app, "node_modules", ".bin", "tazuna"),
        ["-p", path.join(root, "app2"), "init"],
        {
          cwd: app,
          reject: false,
          env: env(),
        },
      );
      assert.equal(local.exitCode, 0, local.stderr);
      const pkg2 = JSON.parse(await readFile(path.join(root, "app2", "package.json"), "utf8")) as typeof pkg;
      assert.equal(pkg2.dependencies.tazuna, `file:${await realpath(TARBALL)}`);
      assert.match(local.stdout, /from the tarball this tazuna was installed from/);
    });

    it("check, apply --yes and plan (exit 0) through the project's own program", async () => {
      const check = await tazuna(app, ["check"]);
      assert.equal(check.exitCode, 0, check.stderr);
      // Something only index.ts declares: the CLI must run this program, not a built-in one.
      await appendFile(
        path.join(app, "index.ts"),
        `\nimport * as k8s from "@pulumi/kubernetes";\n` +
          `new k8s.core.v1.ConfigMap("from-index-ts", { metadata: { name: "from-index-ts", namespace: "default" }, data: { made: "by index.ts" } });\n`,
      );
      const apply = await tazuna(app, ["apply", "--yes"]);
      assert.equal(apply.exitCode, 0, apply.stderr);
      const k = cluster().kubectl();
      assert.ok(await exists(k, ["namespace", "platform"]), "the add-on's namespace");
      assert.ok(await exists(k, ["configmap", "from-index-ts", "-n", "default"]), "index.ts's own resource");
      const plan = await tazuna(app, ["plan", "--detailed-exitcode"]);
      assert.equal(plan.exitCode, 0, `${plan.stdout}\n${plan.stderr}`);
    });

    it("plain pulumi preview on the same stack sees no changes; pulumi up of a new add-on; tazuna plan agrees", async () => {
      const preview = await pulumi(["preview", "--stack", "local", "--expect-no-changes"]);
      assert.equal(preview.exitCode, 0, `${preview.stdout}\n${preview.stderr}`);
      await mkdir(path.join(app, "extra"));
      await writeFile(
        path.join(app, "extra", "cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: platform}\ndata: {from: pulumi-up}\n",
      );
      await appendFile(
        path.join(app, "tazuna.yaml"),
        "    - name: extra\n      type: manifests\n      path: extra\n",
      );
      // With the standard variables set, pulumi up traces the same add-on spans tazuna does, in one trace.
      const up = await pulumi(["up", "--stack", "local", "--yes", "--skip-preview"], {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector().http,
      });
      assert.equal(up.exitCode, 0, `${up.stdout}\n${up.stderr}`);
      assert.ok(await exists(cluster().kubectl(), ["configmap", "extra", "-n", "platform"]));
      const spans = await collector().waitFor((all) => all.some((s) => s.name === "apply extra"));
      const root = spans.find((s) => s.name === "pulumi up local");
      assert.ok(root, `a root span for the run: ${spans.map((s) => s.name).join(", ")}`);
      assert.equal(root.parentSpanId, "");
      for (const name of ["render extra", "apply extra"]) {
        const span = spans.find((s) => s.name === name);
        assert.ok(span, name);
        assert.equal(
          span.traceId,
          root.traceId,
          `${name}: the program's and the provider's spans share one trace`,
        );
        assert.equal(span.parentSpanId, root.spanId, `${name} is the run's child`);
      }
      const plan = await tazuna(app, ["plan", "--detailed-exitcode"]);
      assert.equal(plan.exitCode, 0, `tazuna plan after pulumi up: ${plan.stdout}\n${plan.stderr}`);
      // Positive control: the same plan does see a change when there is one.
      await writeFile(
        path.join(app, "extra", "cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: platform}\ndata: {from: changed}\n",
      );
      const changed = await tazuna(app, ["plan", "--detailed-exitcode"]);
      assert.equal(changed.exitCode, 2, changed.stdout);
    });

    it("apply without --yes off a terminal changes nothing and exits 1", async () => {
      const since = new Date().toISOString();
      const res = await tazuna(app, ["apply"]);
      assert.equal(res.exitCode, 1);
      assert.match(res.stderr, /stdin is not a terminal[\s\S]*fix: pass --yes/);
      const events = await readAudit(cluster().auditLog);
      assert.ok(
        writesBy(events, ADMIN_USER).length > 0,
        "control: the audit log has the earlier applies' writes",
      );
      assert.deepEqual(writesBy(events, ADMIN_USER, since), [], "no write after the refused apply");
      assert.equal(
        (
          await cluster().kubectl()([
            "get",
            "configmap",
            "extra",
            "-n",
            "platform",
            "-o",
            "jsonpath={.data.from}",
          ])
        ).trim(),
        "pulumi-up",
      );
    });

    it("destroy --yes removes what both installed", async () => {
      const res = await tazuna(app, ["destroy", "--yes"]);
      assert.equal(res.exitCode, 0, res.stderr);
      const k = cluster().kubectl();
      assert.equal(await exists(k, ["configmap", "from-index-ts", "-n", "default"]), false);
      assert.equal(await exists(k, ["configmap", "extra", "-n", "platform"]), false);
    });
  });

  describe("a folder with only tazuna.yaml, as the Go tool is used", () => {
    let dir: string;
    before(async () => {
      dir = path.join(root, "go-style");
      await mkdir(path.join(dir, "net"), { recursive: true });
      await writeFile(
        path.join(dir, "tazuna.yaml"),
        [
          "apiVersion: tazuna.pepabo.com/v1",
          "kind: Tazuna",
          "spec:",
          `  context_matches: ["^${cluster().context}$"]`,
          "  manifests:",
          "    - name: net",
          "      type: kustomize",
          "      path: ./net",
          "",
        ].join("\n"),
      );
      await writeFile(path.join(dir, "net", "kustomization.yaml"), "resources: [ns.yaml]\n");
      await writeFile(
        path.join(dir, "net", "ns.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: go-style}\n",
      );
    });

    it("apply --context --kubeconfig applies, on a stack named after the context, with local state", async () => {
      const res = await tazuna(
        dir,
        ["apply", "--yes", "--context", cluster().context, "--kubeconfig", cluster().kubeconfig],
        {
          env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, KUBECONFIG: "/nonexistent" },
        },
      );
      assert.equal(res.exitCode, 0, res.stderr);
      assert.ok(await exists(cluster().kubectl(), ["namespace", "go-style"]));
      const stacks = await execa("ls", [path.join(dir, ".tazuna/state/.pulumi/stacks/go-style")], {
        reject: false,
      });
      assert.match(stacks.stdout, new RegExp(`${cluster().context}\\.json`));
    });

    it("the current context of a merged KUBECONFIG list is used when none is named; plan exit 0", async () => {
      const empty = path.join(root, "empty-kubeconfig");
      await writeFile(empty, "apiVersion: v1\nkind: Config\n");
      const res = await tazuna(dir, ["plan", "--detailed-exitcode"], {
        env: {
          PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
          KUBECONFIG: [empty, cluster().kubeconfig].join(path.delimiter),
        },
      });
      assert.equal(res.exitCode, 0, `${res.stdout}\n${res.stderr}`);
      assert.match(res.stdout, new RegExp(`cluster ${cluster().context}`));
    });

    it("a context that does not match context_matches is refused (exit 3), nothing written", async () => {
      const since = new Date().toISOString();
      const res = await tazuna(dir, ["apply", "--yes", "--context", `${cluster().context}-alias`]);
      assert.equal(res.exitCode, 3, res.stderr);
      assert.match(res.stderr, /does not match spec\.context_matches/);
      assert.deepEqual(writesBy(await readAudit(cluster().auditLog), ADMIN_USER, since), []);
      // Control: the same check sees the write of an allowed apply that changes something.
      await writeFile(
        path.join(dir, "net", "ns.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: go-style, labels: {team: platform}}\n",
      );
      const allowed = await tazuna(dir, ["apply", "--yes", "--context", cluster().context]);
      assert.equal(allowed.exitCode, 0, allowed.stderr);
      assert.ok(writesBy(await readAudit(cluster().auditLog), ADMIN_USER, since).length > 0);
    });
  });

  describe("tazuna doctor", () => {
    it("passes with every program on PATH, and names a missing one with its fix (exit 1)", async () => {
      const dir = path.join(root, "doctor");
      await mkdir(path.join(dir, "chart", "templates"), { recursive: true });
      await writeFile(
        path.join(dir, "tazuna.yaml"),
        "spec:\n  manifests:\n    - name: web\n      type: helm\n      path: chart\n",
      );
      await writeFile(path.join(dir, "chart", "Chart.yaml"), "apiVersion: v2\nname: web\nversion: 0.1.0\n");
      const ok = await tazuna(dir, ["doctor"]);
      assert.equal(ok.exitCode, 0, `${ok.stdout}\n${ok.stderr}`);
      assert.match(ok.stdout, /^ok +helm +v\d/m);
      assert.match(ok.stdout, /^ok +kubernetes plugin +v\d/m);

      const helmDir = path.dirname((await execa("sh", ["-c", "command -v helm"])).stdout.trim());
      const noHelm = (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter((p) => path.resolve(p) !== helmDir)
        .join(path.delimiter);
      const missing = await tazuna(dir, ["doctor"], { env: { ...env(), PATH: noHelm } });
      assert.equal(missing.exitCode, 1, missing.stdout);
      assert.match(missing.stdout, /^MISSING helm +not found on PATH[\s\S]*fix: install helm 3/m);
      const build = await tazuna(dir, ["build"], { env: { ...env(), PATH: noHelm } });
      assert.equal(build.exitCode, 1);
      assert.match(build.stderr, /fix: install helm 3 .*; tazuna doctor checks every program/);
      assert.doesNotMatch(build.stderr, /scripts\//, "no fix that only works in a checkout");
    });
  });
});
