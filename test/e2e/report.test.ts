/**
 * --report: one self-contained page of a run, opened in a real headless
 * browser (Debian's Chromium) inside the test's network namespace: no
 * console errors, one timeline bar per add-on, and a screenshot kept as an
 * artifact ($TAZUNA_CACHE/e2e/artifacts).
 */
import { strict as assert } from "node:assert";
import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { useCluster } from "./cluster-fixture";
import { PASSPHRASE, fleetOnOneCluster, scratchProject, tazunaOnExample } from "./tazuna-fixture";
import { TAZUNA_BIN as BIN } from "../tazuna";

const ADDONS = ["cni", "cert-manager", "ingress", "metrics", "argocd"];
const ARTIFACTS = path.join(process.env.TAZUNA_CACHE ?? tmpdir(), "e2e", "artifacts");

/** Chromium, headless and offline: the page's DOM after its script ran, and what its console said. */
async function openInBrowser(file: string, screenshot?: string): Promise<{ dom: string; console: string[] }> {
  const profile = await mkdtemp(path.join(tmpdir(), "tazuna-chromium-"));
  const common = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${profile}`,
    "--enable-logging=stderr",
    "--v=0",
  ];
  const res = await execa("chromium", [...common, "--dump-dom", `file://${file}`], {
    reject: false,
    timeout: 120_000,
  });
  assert.equal(res.exitCode, 0, res.stderr);
  if (screenshot)
    await execa(
      "chromium",
      [...common, `--screenshot=${screenshot}`, "--window-size=1280,2200", `file://${file}`],
      {
        timeout: 120_000,
      },
    );
  return { dom: res.stdout, console: res.stderr.split("\n").filter((l) => l.includes(":CONSOLE")) };
}

describe("--report: the run as one page, in a real browser (e2e)", function () {
  this.timeout(900_000);
  const cluster = useCluster("tazuna-report");
  let dir: string;
  const tazuna = tazunaOnExample(cluster, () => dir);

  before(async () => {
    dir = (await scratchProject()).dir;
    await mkdir(ARTIFACTS, { recursive: true });
  });

  it("the browser check can fail: a page whose script throws is caught (the positive control)", async () => {
    const bad = path.join(await mkdtemp(path.join(tmpdir(), "tazuna-page-")), "bad.html");
    await writeFile(bad, '<!doctype html><body><script>throw new Error("probe")</script></body>');
    assert.match((await openInBrowser(bad)).console.join("\n"), /Uncaught Error: probe/);
  });

  it("apply --report: the graph, one timeline bar per add-on, the changes, the guard and the exit code", async () => {
    const page = path.join(dir, "apply.html");
    const res = await tazuna(["apply", "--yes", "--report", page]);
    assert.equal(res.exitCode, 0, res.stderr);
    const html = await readFile(page, "utf8");
    assert.doesNotMatch(html, /(src|href)=["']?(https?:)?\/\//, "nothing is loaded from the network");
    const shot = path.join(ARTIFACTS, "report-apply.png");
    const { dom, console } = await openInBrowser(page, shot);
    assert.deepEqual(console, [], "no console messages or errors");
    const bars = [...dom.matchAll(/class="bar addon-bar" data-addon="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(bars.sort(), [...ADDONS].sort(), "one bar per add-on");
    for (const phase of ["render", "write", "ready"])
      assert.equal(
        [...dom.matchAll(new RegExp(`data-phase="${phase}"`, "g"))].length,
        ADDONS.length,
        `a ${phase} part in each add-on's bar`,
      );
    assert.match(dom, /exit 0 \(ok\)/);
    assert.match(
      dom,
      /<svg[^>]*>[\s\S]*<title>cert-manager-&gt;argocd<\/title>/,
      "the add-on graph, drawn inline",
    );
    assert.match(
      dom,
      /<td>argocd<\/td><td class="ok">create<\/td><td><code>apps\/v1:Deployment argocd\/argocd-server<\/code>/,
    );
    assert.match(dom, /<th>finding<\/th><td class="ok">passed<\/td>/);
    assert.doesNotMatch(dom, /<time datetime="[^"]+">\d{4}-\d\d-\d\dT/, "the script ran: times are local");
    assert.ok((await stat(shot)).size > 10_000, `a screenshot at ${shot}`);
  });

  it("a refused run gets its page too: the guard's finding and exit 3", async () => {
    const page = path.join(dir, "refused.html");
    const res = await execa(
      BIN,
      [
        "-p",
        dir,
        "--kubeconfig",
        cluster().kubeconfig,
        "--context",
        "not-this-one",
        "--var",
        "overlay=local",
        "plan",
        "--report",
        page,
      ],
      { reject: false, stdin: "ignore", env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } },
    );
    assert.equal(res.exitCode, 3, res.stderr);
    const { dom, console } = await openInBrowser(page);
    assert.deepEqual(console, []);
    assert.match(dom, /exit 3 \(failed\)/);
    assert.match(dom, /<th>finding<\/th><td class="failed">refused: guard: /);
  });

  it("--all: a row per cluster and each cluster's section on one page", async () => {
    const fleet = await fleetOnOneCluster(cluster(), ["east", "west"]);
    const page = path.join(fleet, "fleet.html");
    const res = await execa(BIN, ["-p", fleet, "plan", "--all", "--report", page], {
      reject: false,
      stdin: "ignore",
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
    });
    assert.equal(res.exitCode, 0, res.stderr);
    const { dom, console } = await openInBrowser(page, path.join(ARTIFACTS, "report-fleet.png"));
    assert.deepEqual(console, []);
    const rows = [...dom.matchAll(/<tr><td><a href="#([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(rows, ["east", "west"]);
    for (const name of ["east", "west"]) {
      const section = dom.slice(dom.indexOf(`id="${name}"`));
      assert.match(section, /exit 2 \(changes\)/, `${name}: each child plans with --detailed-exitcode`);
      assert.equal(
        [...section.slice(0, section.indexOf("</section>")).matchAll(/addon-bar/g)].length,
        ADDONS.length,
      );
    }
  });

  it("--report is for plan, apply, destroy and verify, and writes HTML", async () => {
    const status = await tazuna(["status", "--report", path.join(dir, "x.html")]);
    assert.equal(status.exitCode, 1);
    assert.match(
      status.stderr,
      /tazuna status has no --report[\s\S]*fix: use --report with plan, apply, destroy, verify/,
    );
    const txt = await tazuna(["plan", "--report", path.join(dir, "x.txt")]);
    assert.equal(txt.exitCode, 1);
    assert.match(txt.stderr, /fix: name the file FILE\.html/);
  });

  it("destroy --report: every object deleted, and each add-on's delete on the timeline", async () => {
    const page = path.join(dir, "destroy.html");
    const res = await tazuna(["destroy", "--yes", "--report", page]);
    assert.equal(res.exitCode, 0, res.stderr);
    const { dom, console } = await openInBrowser(page);
    assert.deepEqual(console, []);
    assert.match(
      dom,
      /<td>argocd<\/td><td class="failed">delete<\/td><td><code>apps\/v1:Deployment argocd\/argocd-server<\/code>/,
    );
    const deletes = [...dom.matchAll(/data-phase="delete"/g)].length;
    assert.equal(deletes, ADDONS.length, "a delete span for each add-on's release");
  });
});
