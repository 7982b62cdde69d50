/**
 * The tazuna command end to end, through bin/tazuna, against a local control
 * plane: check, plan exit codes, apply, no-op plan, JSON output, destroy
 * safety, and the guard's exit code.
 */
import { strict as assert } from "node:assert";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { useCluster } from "./cluster-fixture";
import { PASSPHRASE, exists, scratchProject } from "./tazuna-fixture";

const BIN = path.resolve(__dirname, "../../bin/tazuna");

describe("tazuna CLI (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-cli");
  let dir: string;

  const tazuna = (args: string[]) =>
    execa(BIN, ["-p", dir, ...args], {
      reject: false,
      stdin: "ignore",
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
    });

  before(async () => {
    dir = (await scratchProject()).dir;
    await mkdir(path.join(dir, "stacks"));
    const stack = (context: string) =>
      stringify({
        config: {
          "tazuna:context": context,
          "tazuna:kubeconfig": cluster().kubeconfig,
          "tazuna:vars": { overlay: "local" },
        },
      });
    await writeFile(path.join(dir, "stacks/Pulumi.local.yaml"), stack(cluster().context));
    // A context that context_matches (^tazuna-) refuses.
    await writeFile(path.join(dir, "stacks/Pulumi.wrong.yaml"), stack("other-cli"));
  });

  it("check validates every stack: 0 when valid, 1 with the problem when not", async () => {
    const wrongKc = path.join(dir, "stacks/Pulumi.wrong.yaml");
    await writeFile(wrongKc, (await readFile(wrongKc, "utf8")).replace("tazuna:context", "tazuna:contxt"));
    const bad = await tazuna(["check"]);
    assert.equal(bad.exitCode, 1);
    assert.match(
      bad.stderr,
      /Pulumi\.wrong\.yaml: config\.tazuna:contxt: unknown setting[\s\S]*did you mean "tazuna:context"/,
    );
    assert.match(bad.stdout, /ok: .*tazuna\.yaml for cluster local \(5 add-ons\)/);
    await writeFile(wrongKc, (await readFile(wrongKc, "utf8")).replace("tazuna:contxt", "tazuna:context"));
    assert.equal((await tazuna(["check"])).exitCode, 0);
  });

  it("plan exits 2 with changes per add-on before the first apply", async () => {
    const res = await tazuna(["plan", "--cluster", "local"]);
    assert.equal(res.exitCode, 2, res.stderr);
    assert.match(res.stdout, /cluster local: \d+ changes/);
    assert.match(
      res.stdout,
      /\n {2}cert-manager\n(?: {4}.*\n)*? {4}\+ create {2}apps\/v1:Deployment cert-manager\/cert-manager/,
    );
  });

  it("apply --yes applies everything", async () => {
    const res = await tazuna(["apply", "--cluster", "local", "--yes"]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.match(res.stdout, /cluster local: succeeded/);
    assert.match(res.stderr, /argocd: ready/);
    assert.ok(await exists(cluster().kubectl(), ["deployment", "argocd-server", "-n", "argocd"]));
  });

  it("plan exits 0 on the converged cluster, and --output json says so", async () => {
    const text = await tazuna(["plan", "--cluster", "local"]);
    assert.equal(text.exitCode, 0, text.stderr);
    assert.match(text.stdout, /cluster local: no changes/);
    const json = await tazuna(["plan", "--cluster", "local", "--output", "json"]);
    assert.deepEqual(JSON.parse(json.stdout), { schemaVersion: 1, cluster: "local", changes: [] });
  });

  it("the guard refuses a context outside context_matches with exit 3", async () => {
    const res = await tazuna(["apply", "--cluster", "wrong", "--yes"]);
    assert.equal(res.exitCode, 3, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stderr, /kubeconfig context "other-cli" does not match spec\.context_matches/);
    const destroy = await tazuna(["destroy", "--cluster", "wrong", "--yes"]);
    assert.equal(destroy.exitCode, 3, `${destroy.stdout}\n${destroy.stderr}`);
    assert.match(destroy.stderr, /does not match spec\.context_matches/);
  });

  it("destroy refuses without --yes when not on a terminal; --dry-run lists; --yes deletes", async () => {
    const refused = await tazuna(["destroy", "--cluster", "local"]);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /needs --yes/);
    assert.ok(
      await exists(cluster().kubectl(), ["deployment", "argocd-server", "-n", "argocd"]),
      "nothing was deleted",
    );
    const dry = await tazuna(["destroy", "--cluster", "local", "--dry-run"]);
    assert.match(dry.stdout, /kubernetes:apps\/v1:Deployment\targocd:argocd\/argocd-server/);
    const res = await tazuna(["destroy", "--cluster", "local", "--yes"]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.equal(await exists(cluster().kubectl(), ["namespace", "argocd"]), false);
  });
});
