/**
 * Secrets never in the clear, for every render type: a Secret from a
 * manifests add-on, a kustomize secretGenerator, a helm chart's values, a
 * helmfile var read from sops, a chart value from a stack var read from
 * sops, a render plugin, and GenesisSecrets resolved at apply time (env, a
 * plain file, an envfile, a file encrypted by the real sops with a
 * throwaway age key, and a 1Password item read through a stand-in `op` on
 * PATH: 1Password itself cannot be reached from here). Known sentinel
 * values are searched for, as text and base64, in every file of the state
 * backend, every file the runs leave in their temp folder, and the output
 * of every command (plan, apply, status, state, diff-clusters, build, and
 * the errors); the Secrets in the cluster must hold them (the positive
 * control that they were applied at all). Rotation and missing references
 * are witnessed by the audit log.
 */
import { strict as assert } from "node:assert";
import { cp, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { parse, stringify } from "yaml";
import { ADMIN_USER } from "../../src/cluster/control-plane";
import { persistedWritesBy, readAudit } from "../audit";
import { useCluster } from "./cluster-fixture";
import { PASSPHRASE } from "./tazuna-fixture";
import { TAZUNA_BIN as BIN } from "../tazuna";
import { projectFrom } from "../projects";

const FIXTURE = path.resolve(__dirname, "../fixtures/secrets");

const SENTINELS = {
  plain: "SENTINEL_PLAIN_7f3a9c",
  kustomize: "SENTINEL_KUSTOMIZE_51be04",
  helm: "SENTINEL_HELM_e61f20",
  env: "SENTINEL_ENV_93ad27",
  file: "SENTINEL_FILE_c2d81e",
  envfile: "SENTINEL_ENVFILE_0a4d6b",
  sops: "SENTINEL_SOPS_5d71c2",
  op: "SENTINEL_OP_8e02b7",
  helmfileVar: "SENTINEL_HELMFILE_SOPS_3b9e55",
  stackVar: "SENTINEL_STACKVAR_SOPS_d20e7a",
  plugin: "SENTINEL_PLUGIN_91c4e8",
};
const STAND_IN_OP = path.join(FIXTURE, "bin");
const ROTATED = "SENTINEL_ENV_ROTATED_4410fe";

/** Each sentinel as it could leak: itself and its base64 (whole, and as Kubernetes writes it in data). */
const forms = (v: string) => [
  v,
  Buffer.from(v).toString("base64"),
  Buffer.from(v).toString("base64").slice(0, 16),
];

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe("secrets never in the clear (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-secrets");
  let dir: string;
  let ageKey: string;
  let wrongAgeKey: string;
  let opItems: string;
  /** The temp folder of every tazuna run here: whatever the CLI, the engine or a renderer leaves in it is searched too. */
  let tmp: string;
  const outputs: { what: string; text: string }[] = [];
  const tazuna = async (args: string[], env: Record<string, string> = {}) => {
    const cluster = args.includes("diff-clusters") ? [] : ["--cluster", "local"];
    const res = await execa(BIN, ["-p", dir, ...cluster, ...args], {
      reject: false,
      stdin: "ignore",
      env: {
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        TAZUNA_E2E_DNS_TOKEN: SENTINELS.env,
        SOPS_AGE_KEY_FILE: ageKey,
        TAZUNA_E2E_OP_ITEMS: opItems,
        PATH: `${STAND_IN_OP}:${process.env.PATH ?? ""}`,
        TMPDIR: tmp,
        ...env,
      },
    });
    outputs.push({ what: `tazuna ${args.join(" ")}`, text: `${res.stdout}\n${res.stderr}` });
    return res;
  };
  const secretValue = async (name: string, key: string) =>
    Buffer.from(
      await cluster().kubectl()([
        "get",
        "secret",
        name,
        "-n",
        "secrets-e2e",
        "-o",
        `jsonpath={.data.${key}}`,
      ]),
      "base64",
    ).toString();
  /** Every place a leak is searched: state backend files, then each command's output. */
  const leaks = async (values: string[]) => {
    const places = [
      ...(await Promise.all(
        [...(await filesUnder(path.join(dir, ".tazuna/state"))), ...(await filesUnder(tmp))].map(
          async (f) => ({
            what: f,
            text: await readFile(f, "utf8"),
          }),
        ),
      )),
      ...outputs,
    ];
    return places.flatMap((p) =>
      values.flatMap((v) =>
        forms(v)
          .filter((f) => p.text.includes(f))
          .map((f) => `${f} in ${p.what}`),
      ),
    );
  };

  before(async () => {
    const config = {
      "tazuna:context": cluster().context,
      "tazuna:kubeconfig": cluster().kubeconfig,
      "tazuna:vars": { chartKey: { from: "sops", sops: { file: "genesis/db.sops.yaml", key: "chartKey" } } },
    };
    // A second stack on the same cluster, for diff-clusters (it has declared objects and no state).
    dir = await projectFrom(FIXTURE, "secrets", { local: config, mirror: config });
    tmp = await mkdtemp(path.join(tmpdir(), "tazuna-secrets-tmp-"));
    // A sops file as a team keeps it in git: encrypted for an age recipient; the plain text never in the project.
    const keys = await mkdtemp(path.join(tmpdir(), "tazuna-age-"));
    [ageKey, wrongAgeKey] = [path.join(keys, "key.txt"), path.join(keys, "other.txt")];
    await execa("age-keygen", ["-o", ageKey]);
    await execa("age-keygen", ["-o", wrongAgeKey]);
    const recipient = (await execa("age-keygen", ["-y", ageKey])).stdout.trim();
    const plain = path.join(keys, "db.yaml");
    await writeFile(
      plain,
      `password: ${SENTINELS.sops}\napiKey: ${SENTINELS.helmfileVar}\nchartKey: ${SENTINELS.stackVar}\n`,
    );
    const encrypted = await execa("sops", ["--encrypt", "--age", recipient, plain]);
    assert.ok(!encrypted.stdout.includes(SENTINELS.sops), "sops encrypted the value");
    await writeFile(path.join(dir, "genesis/db.sops.yaml"), encrypted.stdout);
    opItems = path.join(keys, "op-items.json");
    const fields = [{ id: "f1", label: "token", value: SENTINELS.op }];
    await writeFile(opItems, JSON.stringify({ "platform/argocd-deploy": { fields } }));
  });

  it("doctor says which secret stores this tazuna.yaml needs and whether each is usable here", async () => {
    const ok = await tazuna(["doctor"]);
    assert.equal(ok.exitCode, 0, ok.stdout);
    assert.match(ok.stdout, /^ok +secrets: sops +\S+\/sops; key: \S+key\.txt$/m);
    assert.match(ok.stdout, /^ok +secrets: 1Password +\S+\/bin\/op; needs a signed-in op session/m);
    // Without the (stand-in) op on PATH: this declaration reads 1Password, so that stops it.
    const missing = await tazuna(["doctor"], { PATH: process.env.PATH ?? "" });
    assert.equal(missing.exitCode, 1, missing.stdout);
    assert.match(
      missing.stdout,
      /^MISSING secrets: 1Password +op \(the 1Password CLI\) not on PATH\n +fix: /m,
    );
  });

  it("applies every Secret with its value, and no output or state file holds a value in the clear", async () => {
    // The run's page is searched too (it lies under tmp).
    const applied = await tazuna(["apply", "--yes", "--report", path.join(tmp, "apply-report.html")]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    // The positive control: the values reached the cluster.
    assert.equal(await secretValue("plain", "token"), SENTINELS.plain);
    assert.equal(await secretValue("generated", "password"), SENTINELS.kustomize);
    assert.equal(await secretValue("chart-api", "apiKey"), SENTINELS.helm);
    assert.equal(await secretValue("dns-token", "token"), SENTINELS.env);
    assert.equal(await secretValue("dns-token", "zone"), "example.test");
    assert.equal(await secretValue("repo-creds", "sshPrivateKey"), SENTINELS.file);
    assert.equal(await secretValue("registry", "password"), SENTINELS.envfile);
    assert.equal(await secretValue("db", "password"), SENTINELS.sops);
    assert.equal(await secretValue("db", "username"), "app");
    assert.equal(await secretValue("op-token", "token"), SENTINELS.op);
    assert.equal(await secretValue("helmfiled-api", "apiKey"), SENTINELS.helmfileVar);
    assert.equal(await secretValue("chart-from-vars-api", "apiKey"), SENTINELS.stackVar);
    assert.equal(await secretValue("from-plugin", "token"), SENTINELS.plugin);
    assert.match(applied.stderr, /GenesisSecret keys token, zone \(values not printed\)/);
    for (const args of [
      ["plan", "--detailed-exitcode"],
      ["status"],
      ["state", "list"],
      ["state", "diff", "--detailed-exitcode"],
      ["state", "drift", "--detailed-exitcode"],
    ])
      await tazuna(args);
    for (const args of [
      ["status"],
      ["state", "list"],
      ["state", "drift", "--detailed-exitcode"],
      ["plan", "--detailed-exitcode"],
      ["diff-clusters", "local", "mirror"],
    ])
      await tazuna(["-o", "json", ...args]);
    const built = await tazuna(["build"]);
    assert.equal(built.exitCode, 0, built.stderr);
    assert.match(
      built.stdout,
      /token: redacted-by-tazuna-build/,
      "build prints a Secret's keys only (stringData)",
    );
    assert.match(built.stdout, /password: cmVkYWN0ZWQtYnktdGF6dW5hLWJ1aWxk/, "and (data) as valid base64");
    const shown = await tazuna(["build", "--show-secrets"]);
    outputs.pop(); // the control below is asked to show them
    for (const v of [SENTINELS.plain, SENTINELS.stackVar])
      assert.ok(shown.stdout.includes(v) || shown.stdout.includes(Buffer.from(v).toString("base64")), v);
    const clusters = await tazuna(["diff-clusters", "local", "mirror"]);
    assert.match(
      clusters.stdout,
      /Secret/,
      `diff-clusters went through the Secrets:\n${clusters.stdout}\n${clusters.stderr}`,
    );
    // A hand edit of a Secret is drift: shown by key, never by value.
    await cluster().kubectl()([
      "patch",
      "secret",
      "plain",
      "-n",
      "secrets-e2e",
      "-p",
      '{"stringData":{"token":"hand-edited"}}',
    ]);
    const drift = await tazuna(["state", "drift", "--detailed-exitcode"]);
    assert.equal(drift.exitCode, 2, drift.stdout);
    await tazuna(["apply", "--yes"]);
    assert.equal(await secretValue("plain", "token"), SENTINELS.plain, "the declaration wins back");
    assert.deepEqual(await leaks(Object.values(SENTINELS)), []);
  });

  it("rotation: the source changes, the plan shows that Secret only (masked), apply updates it", async () => {
    const env = { TAZUNA_E2E_DNS_TOKEN: ROTATED };
    const plan = await tazuna(["plan", "--detailed-exitcode"], env);
    assert.equal(plan.exitCode, 2, plan.stderr);
    const changes = plan.stdout.split("\n").filter((l) => /^\s+[~+-]/.test(l));
    assert.deepEqual(
      changes.map((l) => l.trim().replace(/\s+/g, " ")),
      ["~ update core/v1:Secret secrets-e2e/dns-token (data.token)"],
    );
    // The plan for people names the field, never the value (searched below with every output).
    const md = await tazuna(["plan", "-o", "markdown"], env);
    assert.match(md.stdout, /`core\/v1:Secret secrets-e2e\/dns-token` \| `data\.token` \|/);
    const since = new Date().toISOString();
    const applied = await tazuna(["apply", "--yes", "--report", path.join(tmp, "rotation-report.html")], env);
    assert.equal(applied.exitCode, 0, applied.stderr);
    assert.match(
      await readFile(path.join(tmp, "rotation-report.html"), "utf8"),
      /data\.token/,
      "the page lists the change",
    );
    assert.equal(await secretValue("dns-token", "token"), ROTATED);
    const writes = persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, since);
    // Only that Secret is written (the provider may patch it more than once).
    const written = new Set(
      writes.map((e) => `${e.verb} ${e.objectRef?.resource ?? ""} ${e.objectRef?.name ?? ""}`),
    );
    assert.deepEqual([...written], ["patch secrets dns-token"]);
    assert.deepEqual(await leaks([ROTATED, ...Object.values(SENTINELS)]), []);
  });

  it("a missing reference stops the run before any write, naming the add-on, the secret, the key and the reference", async () => {
    const cases: [string, Record<string, string>, () => Promise<void>, RegExp][] = [
      [
        "unset env var",
        { TAZUNA_E2E_DNS_TOKEN: "" },
        async () => undefined,
        /add-on "dns": .*from-env\.yaml: spec\.secrets\[0\] \(env:\/\/, provider environment\), key TAZUNA_E2E_DNS_TOKEN: environment variable TAZUNA_E2E_DNS_TOKEN is not set/,
      ],
      [
        "wrong sops key",
        { SOPS_AGE_KEY_FILE: wrongAgeKey },
        async () => undefined,
        // Two add-ons and a stack var read that file; whichever fails first is named.
        /(add-on "db": .*from-sops\.yaml: spec\.secrets\[0\] \(sops:\/\/genesis\/db\.sops\.yaml, provider vault-in-git\)|add-on "helmfiled": helmfile\.vars\.apiKey \(sops genesis\/db\.sops\.yaml\)|stack local: tazuna:vars\.chartKey \(sops genesis\/db\.sops\.yaml\)).*sops could not decrypt/,
      ],
      [
        "unknown 1Password item",
        { TAZUNA_E2E_OP_ITEMS: path.join(FIXTURE, "bin/no-items.json") },
        async () => undefined,
        /add-on "onepassword": .*from-op\.yaml: spec\.secrets\[0\] \(op:\/\/my\.1password\.com\/platform\/argocd-deploy, 1Password, through op\).*op could not read the item: .*isn't an item/,
      ],
      [
        "missing file key",
        {},
        () => writeFile(path.join(dir, "genesis/deploy-key.yaml"), "other: x\n"),
        /add-on "repo": .*from-file\.yaml: spec\.secrets\[0\] \(file:\/\/genesis\/deploy-key\.yaml, provider local-files\), key sshPrivateKey: the source has no key sshPrivateKey/,
      ],
    ];
    const file = path.join(dir, "tazuna.yaml");
    const declared = await readFile(file, "utf8");
    cases.push([
      "a secret stack var in a ConfigMap",
      {},
      async () => {
        await cp(path.join(FIXTURE, "genesis/deploy-key.yaml"), path.join(dir, "genesis/deploy-key.yaml"));
        await writeFile(
          file,
          `${declared}    - {name: leaky, type: helm, path: charts/config-ish, namespace: secrets-e2e, dependsOn: [plain], helm: {values: {setting: "\${vars.chartKey}"}}}\n`,
        );
      },
      /add-on "leaky": .*tazuna:vars\.chartKey.*ends up in ConfigMap secrets-e2e\/leaky-config at [^,]+, outside a Secret.s data/s,
    ]);
    for (const [what, env, breakIt, message] of cases) {
      await breakIt();
      const since = new Date().toISOString();
      const res = await tazuna(["apply", "--yes"], env);
      assert.equal(res.exitCode, 1, `${what}: ${res.stderr}`);
      assert.match(res.stderr, message, what);
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual(persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, since), [], what);
    }
    await writeFile(file, declared);
    assert.deepEqual(await leaks([ROTATED, ...Object.values(SENTINELS)]), []);
  });

  it("secret export writes a live Secret as a sops file and a GenesisSecret; applied, it takes the Secret over unchanged", async () => {
    await cp(path.join(FIXTURE, "genesis/deploy-key.yaml"), path.join(dir, "genesis/deploy-key.yaml"));
    const value = "SENTINEL_EXPORT_6a0f19";
    await cluster().kubectl()([
      ...["create", "secret", "generic", "hand-made", "-n", "secrets-e2e"],
      ...[`--from-literal=password=${value}`, "--from-literal=user=ops"],
    ]);
    const recipient = (await execa("age-keygen", ["-y", ageKey])).stdout.trim();
    const exported = await tazuna([
      ...["secret", "export", "secrets-e2e/hand-made"],
      ...["--age", recipient, "--provider", "vault-in-git"],
    ]);
    assert.equal(exported.exitCode, 0, exported.stderr);
    assert.match(exported.stderr, /wrote secrets\/secrets-e2e-hand-made\.sops\.yaml .*keys password, user/);
    const encrypted = await readFile(path.join(dir, "secrets/secrets-e2e-hand-made.sops.yaml"), "utf8");
    assert.ok(!forms(value).some((f) => encrypted.includes(f)), "the file holds no value in the clear");
    const decrypted = await execa(
      "sops",
      ["decrypt", path.join(dir, "secrets/secrets-e2e-hand-made.sops.yaml")],
      {
        env: { SOPS_AGE_KEY_FILE: ageKey },
      },
    );
    assert.match(
      decrypted.stdout,
      new RegExp(`password: ${value}`),
      "the control: sops gives the value back",
    );
    // The printed entry, added as a user would: the declaration now holds the Secret by reference.
    const entry = parse(exported.stdout) as { manifests: unknown[]; providers?: unknown };
    assert.equal(entry.providers, undefined, "the provider is declared already");
    const file = path.join(dir, "tazuna.yaml");
    const doc = parse(await readFile(file, "utf8")) as { spec: { manifests: unknown[] } };
    doc.spec.manifests.push(...entry.manifests);
    await writeFile(file, stringify(doc));
    const since = new Date().toISOString();
    const applied = await tazuna(["apply", "--yes"]);
    assert.equal(applied.exitCode, 0, applied.stderr);
    assert.equal(await secretValue("hand-made", "password"), value);
    // (dns-token is written too: the rotation test's value goes back to the default source.)
    const writes = persistedWritesBy(await readAudit(cluster().auditLog), ADMIN_USER, since).filter(
      (e) => e.objectRef?.name === "hand-made",
    );
    assert.deepEqual(
      [...new Set(writes.map((e) => `${e.verb} ${e.objectRef?.resource ?? ""}`))],
      ["patch secrets"],
      "taken over in place: patched, never deleted or created",
    );
    assert.deepEqual(await leaks([value, ...Object.values(SENTINELS)]), []);
  });
  describe("secret-to-genesissecret: a namespace's Secrets into 1Password items (stand-in op) or sops files, each with a GenesisSecret", () => {
    const values = {
      a: "SENTINEL_BULK_A_31c7e0",
      b: "SENTINEL_BULK_B_8d2f44",
      other: "SENTINEL_BULK_OTHER_05ba9e",
    };
    const k = () => cluster().kubectl();
    const go = () => [
      ...["secret-to-genesissecret", "--op-host", "my.1password.com", "--vault", "platform"],
      ...[
        "--namespace",
        "secrets-e2e",
        "--label-selector",
        "team=platform",
        "--dump-dir",
        path.join(dir, "bulk"),
      ],
    ];

    it("--dry-run prints the files it would write and creates no item and no file", async () => {
      for (const [name, value] of Object.entries(values)) {
        const secret = name === "other" ? "other" : `bulk-${name}`;
        await k()([
          "create",
          "secret",
          "generic",
          secret,
          "-n",
          "secrets-e2e",
          `--from-literal=token=${value}`,
        ]);
        if (name !== "other") await k()(["label", "secret", secret, "-n", "secrets-e2e", "team=platform"]);
      }
      const itemsBefore = await readFile(opItems, "utf8");
      const dry = await tazuna([...go(), "--dry-run"]);
      assert.equal(dry.exitCode, 0, dry.stderr);
      assert.deepEqual(dry.stdout.trim().split("\n"), [
        path.join(dir, "bulk/bulk-a.yaml"),
        path.join(dir, "bulk/bulk-b.yaml"),
      ]);
      assert.equal(await readFile(opItems, "utf8"), itemsBefore, "a dry run creates no item");
      await assert.rejects(readFile(path.join(dir, "bulk/bulk-a.yaml")), "and writes no file");
    });

    it("creates an item per selected Secret and a GenesisSecret reading it; the label selector leaves the rest out", async () => {
      const real = await tazuna(go());
      assert.equal(real.exitCode, 0, real.stderr);
      assert.match(
        real.stderr,
        /bulk-a: created op item platform\/bulk-a \(keys token; values not printed\)/,
      );
      const items = JSON.parse(await readFile(opItems, "utf8")) as Record<
        string,
        { fields: { label: string; value: string }[] }
      >;
      assert.deepEqual(
        items["platform/bulk-a"]?.fields.map((f) => [f.label, f.value]),
        [["token", values.a]],
      );
      assert.equal(items["platform/other"], undefined, "the label selector left it out");
      const genesis = parse(await readFile(path.join(dir, "bulk/bulk-a.yaml"), "utf8")) as {
        spec: {
          secrets: { uri: string; preferLabel: boolean }[];
          outputs: { kubernetesSecret: { labels: Record<string, string> } }[];
        };
      };
      assert.equal(genesis.spec.secrets[0]?.uri, "op://my.1password.com/platform/bulk-a");
      assert.equal(genesis.spec.secrets[0]?.preferLabel, true);
      assert.deepEqual(genesis.spec.outputs[0]?.kubernetesSecret.labels, {
        team: "platform",
        "tazuna.pepabo.com/managed-by": "tazuna",
      });
    });

    it("into sops files instead, one Secret picked by --name-regex: no value in the clear, sops gives it back", async () => {
      const recipient = (await execa("age-keygen", ["-y", ageKey])).stdout.trim();
      const sops = await tazuna([
        ...["secret", "export", "--namespace", "secrets-e2e", "--label-selector", "team=platform"],
        ...["--name-regex", "-b$", "--dump-dir", path.join(dir, "bulk-sops"), "--age", recipient],
      ]);
      assert.equal(sops.exitCode, 0, sops.stderr);
      assert.deepEqual(sops.stdout.trim().split("\n"), [path.join(dir, "bulk-sops/bulk-b.yaml")]);
      const encrypted = await readFile(path.join(dir, "bulk-sops/bulk-b.sops.yaml"), "utf8");
      assert.ok(!forms(values.b).some((f) => encrypted.includes(f)), "no value in the clear");
      const back = await execa("sops", ["decrypt", path.join(dir, "bulk-sops/bulk-b.sops.yaml")], {
        env: { SOPS_AGE_KEY_FILE: ageKey },
      });
      assert.match(back.stdout, new RegExp(`token: ${values.b}`), "the control: sops gives it back");
    });

    it("round trip: declared, deleted by hand, apply brings it back from the item; no value anywhere", async () => {
      const file = path.join(dir, "tazuna.yaml");
      const doc = parse(await readFile(file, "utf8")) as { spec: { manifests: unknown[] } };
      doc.spec.manifests.push({ name: "bulk-a", type: "genesissecret", path: "bulk/bulk-a.yaml" });
      await writeFile(file, stringify(doc));
      await k()(["delete", "secret", "bulk-a", "-n", "secrets-e2e"]);
      const applied = await tazuna(["apply", "--yes"]);
      assert.equal(applied.exitCode, 0, applied.stderr);
      assert.equal(await secretValue("bulk-a", "token"), values.a);
      assert.deepEqual(await leaks([...Object.values(values), ...Object.values(SENTINELS)]), []);
    });
  });
});
