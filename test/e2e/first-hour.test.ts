/**
 * What a new user meets in the first hour, through the built tazuna command:
 * every error path prints one `error:` line with its fix and the exit code of
 * its kind (no unhandled exception, nothing created); -f picks the file on
 * every path into the engine; --var and --var-file set variables in a
 * folder without stack files; init's passphrase file.
 */
import { strict as assert } from "node:assert";
import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { readAudit, persistedWritesBy } from "../audit";
import { useCluster } from "./cluster-fixture";
import { PASSPHRASE, exists } from "./tazuna-fixture";
import { TAZUNA_BIN as BIN } from "../tazuna";

const namespaceYaml = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

/** A folder with a tazuna.yaml of one manifests add-on per namespace (the Go tool's bare-folder habit). */
async function folder(
  dir: string,
  files: Record<string, { guard?: string[]; namespaces: string[] }>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [file, spec] of Object.entries(files)) {
    const manifests = [];
    for (const ns of spec.namespaces) {
      await mkdir(path.join(dir, ns), { recursive: true });
      await writeFile(path.join(dir, ns, "namespace.yaml"), namespaceYaml(ns));
      manifests.push({ name: ns, type: "manifests", path: ns });
    }
    await writeFile(
      path.join(dir, file),
      stringify({ spec: { ...(spec.guard ? { context_matches: spec.guard } : {}), manifests } }),
    );
  }
}

/** A kubeconfig naming contexts on an address nothing listens on: the checks must refuse before any request. */
function unreachableKubeconfig(contexts: string[], current?: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "nowhere", cluster: { server: "https://127.0.0.1:9" } }],
    users: [{ name: "nobody", user: { token: "not-a-secret" } }],
    contexts: contexts.map((name) => ({ name, context: { cluster: "nowhere", user: "nobody" } })),
    ...(current ? { "current-context": current } : {}),
  });
}

const errorLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("error: "));

describe("first hour: every error path, once, with its fix and exit code (no cluster)", function () {
  this.timeout(120_000);
  let root: string;
  let home: string;
  const run = (cwd: string, args: string[], env: Record<string, string | undefined> = {}) =>
    execa(BIN, args, {
      cwd,
      reject: false,
      stdin: "ignore",
      extendEnv: false,
      env: { PATH: process.env.PATH, HOME: home, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, ...env },
    });
  const expectOne = (
    res: { exitCode?: number; stderr: string },
    code: number,
    message: RegExp,
    fix: RegExp,
  ) => {
    assert.equal(res.exitCode, code, res.stderr);
    assert.equal(errorLines(res.stderr).length, 1, `one error line:\n${res.stderr}`);
    assert.match(errorLines(res.stderr)[0] ?? "", message);
    const fixes = res.stderr.split("\n").filter((l) => /^\s+fix: /.test(l));
    assert.equal(fixes.length, 1, `one fix line:\n${res.stderr}`);
    assert.match(fixes[0] ?? "", fix);
    assert.doesNotMatch(res.stderr, /Unhandled|at .*\.js:\d+|TypeError|ENOENT:/, "no stack trace");
  };
  const stacksIn = async (dir: string) =>
    (
      await readdir(path.join(dir, ".tazuna", "state", ".pulumi", "stacks"), { recursive: true }).catch(
        () => [],
      )
    ).filter((f) => String(f).endsWith(".json"));

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "tazuna-first-hour-"));
    home = path.join(root, "home");
    await mkdir(home);
  });

  it("a missing kubeconfig names the file and what chose it: the default, $KUBECONFIG, --kubeconfig", async () => {
    const dir = path.join(root, "missing");
    await folder(dir, { "tazuna.yaml": { namespaces: ["one"] } });
    expectOne(
      await run(dir, ["plan", "--detailed-exitcode"]),
      1,
      new RegExp(`no kubeconfig: ${home}/\\.kube/config does not exist \\(set by the default`),
      /pass --kubeconfig FILE or export KUBECONFIG=FILE/,
    );
    expectOne(
      await run(dir, ["apply", "--yes"], { KUBECONFIG: path.join(root, "nope") }),
      1,
      /no kubeconfig: .*nope does not exist \(set by \$KUBECONFIG\)/,
      /point KUBECONFIG at your kubeconfig/,
    );
    expectOne(
      await run(dir, ["--kubeconfig", path.join(root, "nope"), "plan", "--detailed-exitcode"]),
      1,
      /\(set by --kubeconfig\)/,
      /point --kubeconfig at your kubeconfig/,
    );
    assert.deepEqual(await stacksIn(dir), [], "no stack was created");
  });

  it("an unreadable kubeconfig, one with no current context, and a context it does not have", async () => {
    const dir = path.join(root, "unreadable");
    await folder(dir, { "tazuna.yaml": { namespaces: ["one"] } });
    const asFolder = path.join(root, "kubeconfig-is-a-folder");
    await mkdir(asFolder);
    expectOne(
      await run(dir, ["plan", "--detailed-exitcode"], { KUBECONFIG: asFolder }),
      1,
      /cannot read kubeconfig .*kubeconfig-is-a-folder \(EISDIR/,
      /make it readable/,
    );
    const noCurrent = path.join(root, "no-current");
    await writeFile(noCurrent, unreachableKubeconfig(["dev-a"]));
    expectOne(
      await run(dir, ["plan", "--detailed-exitcode"], { KUBECONFIG: noCurrent }),
      1,
      /no current context in .*no-current/,
      /--context NAME|use-context/,
    );
    expectOne(
      await run(dir, ["--context", "dev-b", "plan", "--detailed-exitcode"], { KUBECONFIG: noCurrent }),
      1,
      /context "dev-b" is not in kubeconfig .*\(its contexts: dev-a\)/,
      /pass --context NAME with one of them/,
    );
    assert.deepEqual(await stacksIn(dir), [], "no stack was created");
  });

  it("a refused context names what chose it: kubectl's context in a folder, the stack file with stacks/", async () => {
    const kubeconfig = path.join(root, "guarded");
    await writeFile(kubeconfig, unreachableKubeconfig(["dev-a", "prod-a"], "dev-a"));
    const bare = path.join(root, "guard-folder");
    await folder(bare, { "tazuna.yaml": { guard: ["prod-.*"], namespaces: ["one"] } });
    for (const args of [
      ["plan", "--detailed-exitcode"],
      ["apply", "--yes"],
      ["destroy", "--yes"],
    ]) {
      const res = await run(bare, args, { KUBECONFIG: kubeconfig });
      expectOne(
        res,
        3,
        /guard: kubeconfig context "dev-a" does not match spec\.context_matches/,
        /kubectl config use-context NAME, or pass --context NAME/,
      );
      assert.doesNotMatch(res.stderr, /stacks\//, `no stack files in this folder (${args[0]})`);
    }
    assert.deepEqual(await stacksIn(bare), [], "a refused run leaves no stack behind");

    const stacked = path.join(root, "guard-stacks");
    await folder(stacked, { "tazuna.yaml": { guard: ["prod-.*"], namespaces: ["one"] } });
    await mkdir(path.join(stacked, "stacks"));
    await writeFile(
      path.join(stacked, "stacks", "Pulumi.dev.yaml"),
      stringify({ config: { "tazuna:context": "dev-a", "tazuna:kubeconfig": kubeconfig } }),
    );
    expectOne(
      await run(stacked, ["plan", "--detailed-exitcode"]),
      3,
      /guard: kubeconfig context "dev-a" does not match/,
      /--cluster NAME, or fix tazuna:context in stacks\/Pulumi\.dev\.yaml/,
    );
    assert.deepEqual(await stacksIn(stacked), [], "a refused run leaves no stack behind");
    // The positive control: the matching context passes context_matches and goes on to read the
    // cluster's identity, which is not there: that refusal, once, before any stack is created.
    expectOne(
      await run(bare, ["--context", "prod-a", "plan", "--detailed-exitcode"], { KUBECONFIG: kubeconfig }),
      3,
      /guard: cannot read the identity of the cluster behind context "prod-a"/,
      /check that the cluster is reachable/,
    );
    assert.deepEqual(await stacksIn(bare), [], "still no stack");
  });

  it("an environment without context_matches: warned on every command, refused for apply and destroy unless --allow-any-context; no variables in the guard", async () => {
    const dir = path.join(root, "env-guard");
    await folder(dir, { "tazuna.yaml": { namespaces: ["one"] } });
    await writeFile(
      path.join(dir, "tazuna.yaml"),
      stringify({
        spec: {
          context_matches: ["prod-.*"],
          environments: { dev: {} },
          manifests: [{ name: "one", type: "manifests", path: "one" }],
        },
      }),
    );
    const kubeconfig = path.join(root, "env-guard-kubeconfig");
    await writeFile(kubeconfig, unreachableKubeconfig(["dev-a"], "dev-a"));
    const env = { KUBECONFIG: kubeconfig };
    const check = await run(dir, ["-e", "dev", "check"], env);
    assert.equal(check.exitCode, 0, check.stderr);
    assert.match(check.stderr, /warning: environment "dev" declares no context_matches .*no name guard/);
    for (const args of [
      ["apply", "--yes"],
      ["destroy", "--yes"],
    ])
      expectOne(
        await run(dir, ["-e", "dev", ...args], env),
        3,
        /guard: environment "dev" declares no context_matches, so it would drop spec\.context_matches .*\/prod-\.\*\//,
        /declare spec\.environments\.dev\.context_matches .* or pass --allow-any-context/,
      );
    // The flag lets it past that check: it stops next, at the cluster that is not there.
    const allowed = await run(dir, ["-e", "dev", "--allow-any-context", "apply", "--yes"], env);
    assert.match(allowed.stderr, /cannot read the identity of the cluster/, allowed.stderr);
    assert.doesNotMatch(allowed.stderr, /declares no context_matches, so/);
    const plan = await run(dir, ["-e", "dev", "plan", "--detailed-exitcode"], env);
    assert.match(
      plan.stderr,
      /cannot read the identity of the cluster/,
      "plan reads only: warned, not refused",
    );
    assert.doesNotMatch(plan.stderr, /declares no context_matches, so/);

    await writeFile(
      path.join(dir, "tazuna.yaml"),
      stringify({
        spec: {
          context_matches: ["${vars.allowed}"],
          manifests: [{ name: "one", type: "manifests", path: "one" }],
        },
      }),
    );
    const withVar = await run(dir, ["--var", "allowed=.*", "check"]);
    assert.equal(withVar.exitCode, 1);
    assert.match(withVar.stderr, /spec\.context_matches\[0\]: a variable in context_matches/);
  });

  it("-f against the stack's tazuna:file is refused naming both; a missing passphrase file fails with its fix, in doctor too", async () => {
    const dir = path.join(root, "two-files");
    await folder(dir, { "tazuna.yaml": { namespaces: ["one"] }, "other.yaml": { namespaces: ["two"] } });
    await mkdir(path.join(dir, "stacks"));
    const kubeconfig = path.join(root, "plain");
    await writeFile(kubeconfig, unreachableKubeconfig(["dev-a"], "dev-a"));
    await writeFile(
      path.join(dir, "stacks", "Pulumi.dev.yaml"),
      stringify({ config: { "tazuna:context": "dev-a", "tazuna:file": "tazuna.yaml" } }),
    );
    expectOne(
      await run(dir, ["-f", "other.yaml", "plan", "--detailed-exitcode"], { KUBECONFIG: kubeconfig }),
      1,
      /-f other\.yaml: stacks\/Pulumi\.dev\.yaml sets tazuna:file: tazuna\.yaml, another file/,
      /drop -f, or set tazuna:file: other\.yaml in stacks\/Pulumi\.dev\.yaml/,
    );
    const missing = path.join(root, "no-such-passphrase");
    const env = {
      KUBECONFIG: kubeconfig,
      PULUMI_CONFIG_PASSPHRASE: undefined,
      PULUMI_CONFIG_PASSPHRASE_FILE: missing,
    };
    expectOne(
      await run(dir, ["plan", "--detailed-exitcode"], env),
      1,
      /PULUMI_CONFIG_PASSPHRASE_FILE names .*no-such-passphrase, which does not exist/,
      /create it with a random passphrase/,
    );
    const doctor = await run(dir, ["doctor"], env);
    assert.equal(doctor.exitCode, 1, doctor.stdout);
    assert.match(
      doctor.stdout,
      /MISSING secrets in state +PULUMI_CONFIG_PASSPHRASE_FILE names .*, which does not exist/,
    );
    // The control: the same doctor with the file there passes that line.
    await writeFile(missing, "a passphrase\n", { mode: 0o600 });
    assert.match(
      (await run(dir, ["doctor"], env)).stdout,
      /ok +secrets in state +PULUMI_CONFIG_PASSPHRASE_FILE/,
    );
  });

  it("a closed pipe ends the output quietly", async () => {
    const dir = path.join(root, "pipe");
    await folder(dir, { "tazuna.yaml": { namespaces: Array.from({ length: 40 }, (_, i) => `ns-${i}`) } });
    const res = await execa(
      "bash",
      ["-c", `"${BIN}" build | head -1; echo "tazuna exit: \${PIPESTATUS[0]}" >&2`],
      {
        cwd: dir,
        reject: false,
        env: { HOME: home },
      },
    );
    assert.match(res.stdout, /^(---|apiVersion: v1|# )/, "the first line came through");
    assert.match(res.stderr, /tazuna exit: 0/);
    assert.doesNotMatch(res.stderr, /EPIPE|Error/);
  });

  it("init creates the passphrase file (0600, random) once, says where, and keeps an existing one", async () => {
    const first = await run(root, ["-p", path.join(root, "app1"), "init"], {
      PULUMI_CONFIG_PASSPHRASE: undefined,
    });
    assert.equal(first.exitCode, 0, first.stderr);
    const file = path.join(home, ".tazuna-passphrase");
    assert.match(first.stdout, /Created ~\/\.tazuna-passphrase \(mode 0600\)/);
    assert.match(first.stdout, /export PULUMI_CONFIG_PASSPHRASE_FILE=~\/\.tazuna-passphrase/);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const value = await readFile(file, "utf8");
    assert.ok(value.trim().length >= 40, "a random value");
    const second = await run(root, ["-p", path.join(root, "app2"), "init"], {
      PULUMI_CONFIG_PASSPHRASE: undefined,
    });
    assert.match(second.stdout, /Kept the existing ~\/\.tazuna-passphrase/);
    assert.equal(await readFile(file, "utf8"), value, "never overwritten");
  });

  it("a mistyped command, option, add-on type and field each get a did-you-mean", async () => {
    const dir = path.join(root, "typos");
    await mkdir(dir);
    await writeFile(
      path.join(dir, "tazuna.yaml"),
      "spec:\n  manifests:\n    - name: a\n      type: kustomise\n      path: a\n      dependOn: [b]\n",
    );
    const check = await run(dir, ["check"]);
    assert.equal(check.exitCode, 1);
    assert.match(check.stderr, /type: Invalid option[^\n]*\n {2}fix: did you mean "kustomize"\?/);
    assert.match(check.stderr, /dependOn: unknown field[^\n]*\n {2}fix: did you mean "dependsOn"\?/);
    const command = await run(dir, ["chek"]);
    assert.equal(command.exitCode, 1);
    assert.match(command.stderr, /Did you mean check\?/);
    const option = await run(dir, ["plan", "--detailed-exitcode", "--clster", "x"]);
    assert.equal(option.exitCode, 1);
    assert.match(option.stderr, /Did you mean --cluster\?/);
  });
});

describe("first hour: -f, --var and --var-file reach the engine on every path (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-first-hour");
  let root: string;
  const run = (cwd: string, args: string[]) =>
    execa(BIN, args, {
      cwd,
      reject: false,
      stdin: "ignore",
      env: { KUBECONFIG: cluster().kubeconfig, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
    });
  const writes = async (since: string) =>
    persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, since).filter(
      (e) => e.objectRef?.resource === "namespaces",
    );

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "tazuna-first-hour-e2e-"));
  });

  it("-f other.yaml apply applies exactly other.yaml's add-ons, beside a tazuna.yaml (audit log)", async () => {
    const dir = path.join(root, "two");
    await folder(dir, {
      "tazuna.yaml": { namespaces: ["main-a", "main-b"] },
      "other.yaml": { namespaces: ["other"] },
    });
    const since = new Date().toISOString();
    const applied = await run(dir, ["-f", "other.yaml", "apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    const written = new Set((await writes(since)).map((e) => e.objectRef?.name));
    assert.deepEqual([...written], ["other"], "only other.yaml's namespace was written");
    const k = cluster().kubectl();
    assert.ok(await exists(k, ["namespace", "other"]));
    assert.ok(!(await exists(k, ["namespace", "main-a"])), "tazuna.yaml's add-ons were not applied");
    const plan = await run(dir, ["-f", "other.yaml", "plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 0, `${plan.stdout}\n${plan.stderr}`);
    // The control: without -f the same folder's plan is tazuna.yaml's (creates main-*, deletes other).
    const plain = await run(dir, ["plan", "--detailed-exitcode"]);
    assert.match(plain.stdout, /\+ create +core\/v1:Namespace main-a/);
    assert.match(plain.stdout, /- delete +core\/v1:Namespace other/);
    const destroyed = await run(dir, ["-f", "other.yaml", "destroy", "--yes"]);
    assert.equal(destroyed.exitCode, 0, destroyed.stderr);
  });

  it("-f in a folder without tazuna.yaml: plan, apply, destroy and verify", async () => {
    const dir = path.join(root, "only-other");
    await folder(dir, { "other.yaml": { namespaces: ["lonely"] } });
    for (const args of [["plan"], ["apply", "--yes"], ["plan"], ["destroy", "--yes"]]) {
      const res = await run(dir, ["-f", "other.yaml", ...args]);
      assert.ok(res.exitCode === 0, `${args.join(" ")}: ${res.stderr}`);
      assert.doesNotMatch(res.stderr, /file not found/);
    }
    const verify = await run(dir, ["-f", "other.yaml", "verify", "--settle", "30"]);
    assert.equal(verify.exitCode, 0, `${verify.stdout}\n${verify.stderr}`);
    assert.match(verify.stdout, /apply from zero.*\n.*plan again/);
    // The control: without -f there is nothing to read.
    const missing = await run(dir, ["plan", "--detailed-exitcode"]);
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stderr, /tazuna\.yaml: file not found/);
  });

  it("--var and --var-file set ${vars.*} in a folder without stack files; the plan says where each came from", async () => {
    const dir = path.join(root, "vars");
    const configMap = (name: string, value: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: default}\ndata: {value: ${value}}\n`;
    for (const [sub, name, value] of [
      ["overlays/prod", "overlay", "prod"],
      ["overlays/from-file", "overlay", "from-file"],
      ["regions/eu-west-1", "region", "eu-west-1"],
    ] as const) {
      await mkdir(path.join(dir, sub), { recursive: true });
      await writeFile(path.join(dir, sub, "cm.yaml"), configMap(name, value));
    }
    await writeFile(
      path.join(dir, "tazuna.yaml"),
      stringify({
        spec: {
          manifests: [
            { name: "overlay", type: "manifests", path: "overlays/${vars.overlay}" },
            { name: "region", type: "manifests", path: "regions/${vars.region}" },
          ],
        },
      }),
    );
    await writeFile(path.join(dir, "vars.yaml"), stringify({ overlay: "from-file", region: "eu-west-1" }));
    const missing = await run(dir, ["plan", "--detailed-exitcode"]);
    assert.equal(missing.exitCode, 1);
    assert.match(
      missing.stderr,
      /unknown variable \$\{vars\.overlay\}\n {2}fix: pass --var overlay=VALUE \(or --var-file FILE\)/,
    );
    const args = ["--var-file", "vars.yaml", "--var", "overlay=prod"];
    const plan = await run(dir, [...args, "plan", "--detailed-exitcode"]);
    assert.equal(plan.exitCode, 2, plan.stderr);
    assert.match(plan.stdout, /vars: overlay \(--var\), region \(--var-file .*vars\.yaml\)/);
    const applied = await run(dir, [...args, "apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    const value = (name: string) =>
      cluster().kubectl()(["get", "configmap", name, "-n", "default", "-o", "jsonpath={.data.value}"]);
    assert.equal(await value("overlay"), "prod", "--var wins over --var-file");
    assert.equal(await value("region"), "eu-west-1", "from --var-file");
    const again = await run(dir, [...args, "plan", "--detailed-exitcode"]);
    assert.equal(again.exitCode, 0, again.stdout);
    const destroyed = await run(dir, [...args, "destroy", "--yes"]);
    assert.equal(destroyed.exitCode, 0, destroyed.stderr);
  });
});
