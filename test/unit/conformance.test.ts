/**
 * Conformance with the Go tool's tazuna.yaml (../shared/reference/anchor-tazuna.md),
 * through the tazuna command as a user runs it (check, tags, graph, build):
 * a case per rule, for files the Go tool accepts (accepted here with the same
 * meaning) and files it refuses (refused here, with a message naming the
 * field). Where this project is deliberately stricter, the case says
 * "stricter" and the README lists it.
 */
import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { checkContext } from "../../src/guard/context";
import { loadDeclaration } from "../../src/declaration/load";
import { GuardError } from "../../src/errors/guard";
import { TAZUNA_BIN as BIN } from "../tazuna";

const GO_FORMAT = path.resolve(__dirname, "../fixtures/go-format");

interface Case {
  rule: string;
  files: Record<string, string>;
  args?: string[];
  env?: Record<string, string>;
  exit: number;
  /** Must appear in stdout (accepted) or stderr (refused). */
  out: RegExp[];
}

const head = "apiVersion: tazuna.pepabo.com/v1\nkind: Tazuna\nspec:\n";
const K = { "k/kustomization.yaml": "resources: []\n" };
const kz = (name: string, extra = "") => `    - {name: ${name}, type: kustomize, path: k${extra}}\n`;
const file = (body: string, more: Record<string, string> = {}) => ({
  "tazuna.yaml": head + body,
  ...K,
  ...more,
});
const helmfile = (vars: string) =>
  file(
    `  manifests:\n    - name: h\n      type: helmfile\n      path: h\n      helmfile:\n        vars:\n${vars}`,
    {
      "h/helmfile.yaml": "releases: []\n",
    },
  );
const waitUntil = (condition: string) =>
  file(
    `  manifests:\n${kz("a")}  tests:\n    - type: WaitUntil\n      waitUntil:\n        resource: {apiVersion: v1, kind: Namespace}\n        name: a\n        condition: '${condition}'\n`,
  );

const ACCEPTED: Case[] = [
  {
    rule: "empty manifests list (init writes one)",
    files: { "tazuna.yaml": `${head}  manifests: []\n` },
    exit: 0,
    out: [/ok: .*\(0 add-ons\)/],
  },
  {
    rule: "apiVersion and kind are optional",
    files: { "tazuna.yaml": `spec:\n  manifests:\n${kz("a")}`, ...K },
    exit: 0,
    out: [/\(1 add-ons\)/],
  },
  {
    rule: "an includes-only entry needs no name; included paths are relative to the root file",
    files: file(`  manifests:\n    - includes: [{path: team/t.yaml}]\n`, {
      "team/t.yaml": `spec:\n  manifests:\n${kz("team")}`,
    }),
    exit: 0,
    out: [/\(1 add-ons\)/],
  },
  {
    rule: "helmfile vars: from env, static, staticSlice, staticMap, op",
    files: helmfile(
      "          a: {from: env, env: HOME}\n          b: {from: static, static: x}\n          c: {from: static, staticSlice: [x, y]}\n          d: {from: static, staticMap: {k: v}}\n          e: {from: op, op: {key: label, vault: V, item: I, field: password}}\n",
    ),
    exit: 0,
    out: [/\(1 add-ons\)/],
  },
  {
    rule: "helmfile fields defaultNamespace, extraValueFiles, timeoutSeconds, wait, includeCRDs, kubeVersion",
    files: file(
      "  manifests:\n    - name: h\n      type: helmfile\n      path: h/helmfile.yaml\n      helmfile: {defaultNamespace: x, extraValueFiles: [v.yaml], timeoutSeconds: 30, wait: true, includeCRDs: true, kubeVersion: v1.31.0}\n",
      { "h/helmfile.yaml": "releases: []\n", "h/v.yaml": "{}\n" },
    ),
    exit: 0,
    out: [/\(1 add-ons\)/],
  },
  {
    rule: "test plugins WaitUntil (CEL) and ExistNonExist with timing fields, on an add-on and at spec level",
    files: file(
      `  manifests:\n    - name: a\n      type: kustomize\n      path: k\n      tests:\n        - type: ExistNonExist\n          minConsecutiveSuccessCount: 2\n          minConsecutiveFailureCount: 3\n          timeoutSeconds: 10\n          intervalSeconds: 1\n          existNonExist: {resource: {apiVersion: v1, kind: ConfigMap}, namespace: n, name: c, shouldExist: false}\n  tests:\n    - type: WaitUntil\n      waitUntil:\n        resource: {apiVersion: apps/v1, kind: Deployment}\n        namespace: n\n        name: d\n        condition: 'object.status.conditions.exists(c, c.type == "Available" && c.status == "True")'\n`,
    ),
    exit: 0,
    out: [/\(1 add-ons\)/],
  },
  {
    rule: "environments, -e, and {{ .Environment }} in paths",
    files: file(
      "  context_matches: ['kind-.*']\n  environments:\n    prod: {context_matches: ['prod-tokyo'], context_match_mode: and}\n  manifests:\n    - {name: a, type: kustomize, path: 'o/{{ .Environment }}'}\n",
      { "o/prod/kustomization.yaml": "resources: []\n" },
    ),
    args: ["-e", "prod"],
    exit: 0,
    out: [/in environment prod \(1 add-ons\)/],
  },
  {
    rule: "Go template actions beyond a field: if/eq/else",
    files: file(`  manifests:\n{{ if eq .Environment "dev" }}${kz("dev-only")}{{ end }}${kz("a")}`),
    exit: 0,
    out: [/\(1 add-ons\)/],
  },
  {
    rule: "providers (envfile) and a genesissecret add-on naming one",
    files: file(
      "  providers:\n    - {name: local, type: envfile, envfile: {path: s.env}}\n  manifests:\n    - {name: s, type: genesissecret, path: gs.yaml}\n",
      {
        "gs.yaml":
          "spec:\n  provider: local\n  secrets: [{uri: x, items: {TOKEN: {mapTo: token}}}]\n  static: {url: https://example.test}\n  outputs: [{kubernetesSecret: {namespace: n, name: creds}}, {stdout: {}}]\n",
      },
    ),
    exit: 0,
    out: [/\(1 add-ons\)/],
  },
  {
    rule: "oras add-on with a delegate and its block",
    files: file(
      "  manifests:\n    - name: o\n      type: oras\n      path: unused\n      oras:\n        reference: registry.example/foundation/cni:1.0.0\n        target: /deploy\n        plainHTTP: true\n        delegate: {type: kustomize, kustomize: {defaultNamespace: kube-system}}\n",
      { "unused/.keep": "" },
    ),
    exit: 0,
    out: [/\(1 add-ons\)/],
  },
  {
    rule: "minimumSupportedTazunaVersion with a leading v",
    files: file(`  minimumSupportedTazunaVersion: v0.0.1\n  manifests:\n${kz("a")}`),
    exit: 0,
    out: [/\(1 add-ons\)/],
  },
  {
    rule: "a hint's default fills a missing var, and a valid format passes",
    files: {
      ...helmfile("          host: {from: static, static: api.example.com}\n"),
      "h/tazuna.hint.yaml":
        "vars:\n  host: {type: string, format: hostname}\n  level: {type: string, default: info}\n",
    },
    exit: 0,
    out: [/\(1 add-ons\)/],
  },
];

const REFUSED: Case[] = [
  {
    rule: "a template field other than .Environment",
    files: file(`  manifests:\n${kz("{{ .Cluster }}")}`),
    exit: 1,
    out: [/template error: .*can't evaluate field Cluster/],
  },
  {
    rule: "-e naming an undeclared environment",
    files: file(`  manifests:\n${kz("a")}`),
    args: ["-e", "stg"],
    exit: 1,
    out: [/environment "stg" is not declared/],
  },
  {
    rule: "an environment's pattern that is not RE2",
    files: file(`  environments:\n    prod: {context_matches: ['prod-(?=x)']}\n  manifests:\n${kz("a")}`),
    exit: 1,
    out: [/spec\.environments\.prod\.context_matches\[0\]: not a valid RE2 pattern/],
  },
  {
    rule: "an environment's mode other than or/and",
    files: file(`  environments:\n    prod: {context_match_mode: xor}\n  manifests:\n${kz("a")}`),
    exit: 1,
    out: [/spec\.environments\.prod\.context_match_mode/],
  },
  {
    rule: "unknown type (G1's parallel)",
    files: file("  manifests:\n    - {name: p, type: parallel, path: k}\n"),
    exit: 1,
    out: [/spec\.manifests\[0\]\.type: Invalid option/],
  },
  {
    rule: "a var with an unknown from",
    files: helmfile("          a: {from: vault, vault: x}\n"),
    exit: 1,
    out: [/spec\.manifests\[0\]\.helmfile\.vars\.a/],
  },
  {
    rule: "from: static with two of static/staticSlice/staticMap",
    files: helmfile("          a: {from: static, static: x, staticSlice: [y]}\n"),
    exit: 1,
    out: [/exactly one of static, staticSlice or staticMap/],
  },
  {
    rule: "from: op without a vault",
    files: helmfile("          a: {from: op, op: {key: id, item: I, field: f}}\n"),
    exit: 1,
    out: [/helmfile\.vars\.a/],
  },
  {
    rule: "from: env without env",
    files: helmfile("          a: {from: env}\n"),
    exit: 1,
    out: [/helmfile\.vars\.a/],
  },
  {
    rule: "provider type onepassword (the Go tool refuses it)",
    files: file(`  providers: [{name: op1, type: onepassword, onepassword: {}}]\n  manifests:\n${kz("a")}`),
    exit: 1,
    out: [/spec\.providers\[0\]\.type: type onepassword is refused/],
  },
  {
    rule: "provider named default-op",
    files: file(
      `  providers: [{name: default-op, type: envfile, envfile: {path: x}}]\n  manifests:\n${kz("a")}`,
    ),
    exit: 1,
    out: [/"default-op" is reserved/],
  },
  {
    rule: "duplicate provider names",
    files: file(
      `  providers: [{name: e, type: envfile, envfile: {path: x}}, {name: e, type: envfile, envfile: {path: y}}]\n  manifests:\n${kz("a")}`,
    ),
    exit: 1,
    out: [/duplicate provider name "e"/],
  },
  {
    rule: "a default-op GenesisSecret URI not of the form op://host/vault/item",
    files: file("  manifests:\n    - {name: s, type: genesissecret, path: gs.yaml}\n", {
      "gs.yaml": "spec:\n  secrets: [{uri: 'op://host/only-vault'}]\n  outputs: [{stdout: {}}]\n",
    }),
    exit: 1,
    out: [/spec\.secrets\[0\]\.uri: "op:\/\/host\/only-vault" must be op:\/\/<host>\/<vault>\/<item>/],
  },
  {
    rule: "a GenesisSecret output with both kubernetesSecret and stdout",
    files: file("  manifests:\n    - {name: s, type: genesissecret, path: gs.yaml}\n", {
      "gs.yaml": "spec:\n  outputs: [{kubernetesSecret: {namespace: n, name: c}, stdout: {}}]\n",
    }),
    exit: 1,
    out: [/exactly one of kubernetesSecret or stdout/],
  },
  {
    rule: "stricter: a GenesisSecret naming an undeclared provider (the Go tool fails at apply)",
    files: file("  manifests:\n    - {name: s, type: genesissecret, path: gs.yaml}\n", {
      "gs.yaml": "spec:\n  provider: vault\n  outputs: [{stdout: {}}]\n",
    }),
    exit: 1,
    out: [/provider "vault" is not declared/],
  },
  {
    rule: "oras reference without tag or digest",
    files: file(
      "  manifests:\n    - {name: o, type: oras, oras: {reference: registry.example/cni, delegate: {type: kustomize}}}\n",
    ),
    exit: 1,
    out: [/oras\.reference: "registry\.example\/cni" has no tag or digest/],
  },
  {
    rule: "oras delegate type other than helmfile/kustomize",
    files: file(
      "  manifests:\n    - {name: o, type: oras, oras: {reference: r.example/c:1, delegate: {type: helm}}}\n",
    ),
    exit: 1,
    out: [/oras\.delegate\.type/],
  },
  {
    rule: "oras target escaping the artifact",
    files: file(
      "  manifests:\n    - {name: o, type: oras, oras: {reference: r.example/c:1, target: ../../etc, delegate: {type: kustomize}}}\n",
    ),
    exit: 1,
    out: [/oras\.target: leaves the artifact's root/],
  },
  {
    rule: "nested includes",
    files: file("  manifests:\n    - includes: [{path: a.yaml}]\n", {
      "a.yaml": "spec:\n  manifests:\n    - includes: [{path: b.yaml}]\n",
    }),
    exit: 1,
    out: [/nested includes are an error/],
  },
  {
    rule: "a name outside ^[a-zA-Z0-9_-]+$",
    files: file(`  manifests:\n${kz("cert manager")}`),
    exit: 1,
    out: [/"cert manager" is not a valid name/],
  },
  {
    rule: "the reserved name _metadata",
    files: file(`  manifests:\n${kz("_metadata")}`),
    exit: 1,
    out: [/"_metadata" is reserved/],
  },
  {
    rule: "self dependency",
    files: file(`  manifests:\n${kz("a", ", dependsOn: [a]")}`),
    exit: 1,
    out: [/depends on itself/],
  },
  {
    rule: "a cycle",
    files: file(`  manifests:\n${kz("a", ", dependsOn: [b]")}${kz("b", ", dependsOn: [a]")}`),
    exit: 1,
    out: [/dependency cycle/],
  },
  {
    rule: "stricter: a CEL condition that does not compile",
    files: waitUntil("object.status.phase =="),
    exit: 1,
    out: [/tests\[0\]\.waitUntil\.condition: CEL condition does not compile/],
  },
  {
    rule: "stricter: a CEL condition that is not a bool (the Go tool fails every try)",
    files: waitUntil("object.status.phase"),
    exit: 1,
    out: [/is of type dyn, but a condition must be a bool/],
  },
  {
    rule: "stricter: a test type that is unknown (the Go tool fails at run time)",
    files: file(`  manifests:\n${kz("a")}  tests: [{type: Sleep}]\n`),
    exit: 1,
    out: [/spec\.tests\[0\]/],
  },
  {
    rule: "stricter: unknown fields (the Go tool ignores a typo like dependOn)",
    files: file(`  manifests:\n${kz("a", ", dependOn: [b]")}`),
    exit: 1,
    out: [/unknown field "dependOn"[\s\S]*did you mean "dependsOn"/],
  },
  {
    rule: "hint: a required var that is not given",
    files: {
      ...helmfile("          a: {from: static, static: x}\n"),
      "h/tazuna.hint.yaml": "vars:\n  a: {type: string}\n  host: {type: string, required: true}\n",
    },
    exit: 1,
    out: [/helmfile\.vars\.host: host is required by the hint/],
  },
  {
    rule: "hint: a format that does not hold",
    files: {
      ...helmfile("          host: {from: static, static: not_a_host!}\n"),
      "h/tazuna.hint.yaml": "vars:\n  host: {type: string, format: hostname}\n",
    },
    exit: 1,
    out: [/"not_a_host!" is not a valid hostname/],
  },
  {
    rule: "hint: a static list for a string var",
    files: {
      ...helmfile("          host: {from: static, staticSlice: [a]}\n"),
      "h/tazuna.hint.yaml": "vars:\n  host: {type: string}\n",
    },
    exit: 1,
    out: [/host is a slice, but the hint says string/],
  },
  {
    rule: "hint: oneof_required with none given",
    files: {
      ...helmfile("          other: {from: static, static: x}\n"),
      "h/tazuna.hint.yaml":
        "vars:\n  issuer: {type: string}\n  clusterIssuer: {type: string}\nrules:\n  - {type: oneof_required, vars: [issuer, clusterIssuer], message: name an issuer}\n",
    },
    exit: 1,
    out: [/name an issuer/],
  },
  {
    rule: "hint file: required together with default",
    files: {
      ...helmfile("          a: {from: static, static: x}\n"),
      "h/tazuna.hint.yaml": "vars:\n  a: {type: string, required: true, default: y}\n",
    },
    exit: 1,
    out: [/tazuna\.hint\.yaml.*vars\.a: required cannot go with default/],
  },
];

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "tazuna-conformance-"));
  for (const [f, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await writeFile(path.join(dir, f), text);
  }
  return dir;
}

const tazuna = (dir: string, args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [BIN, "-p", dir, ...args], { reject: false, env });

describe("conformance with the Go tool's tazuna.yaml", function () {
  this.timeout(60_000);
  before(function () {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first (npm test does)`);
  });

  describe("accepted with the same meaning (tazuna check exits 0)", () => {
    for (const c of ACCEPTED) {
      it(c.rule, async () => {
        const dir = await project(c.files);
        const res = await tazuna(dir, [...(c.args ?? []), "check"], c.env);
        assert.equal(res.exitCode, c.exit, `exit ${res.exitCode}\n${res.stdout}\n${res.stderr}`);
        for (const re of c.out) assert.match(res.stdout, re);
      });
    }
  });

  describe("refused with the field and the fix (tazuna check exits 1)", () => {
    for (const c of REFUSED) {
      it(c.rule, async () => {
        const dir = await project(c.files);
        const res = await tazuna(dir, [...(c.args ?? []), "check"], c.env);
        assert.equal(res.exitCode, c.exit, `exit ${res.exitCode}\n${res.stdout}\n${res.stderr}`);
        for (const re of c.out) assert.match(res.stderr, re);
        assert.match(res.stderr, /fix: /);
      });
    }
  });

  it("reports every problem of a file in one run, even after a shape error", async () => {
    const dir = await project(
      file(
        `  manifests:\n    - {name: a, type: kustomize, path: k, tags: oops}\n${kz("b")}${kz("b")}${kz("c", ", dependsOn: [a, nope]")}    - {name: d, type: kustomize, path: missing}\n`,
      ),
    );
    const res = await tazuna(dir, ["check"]);
    assert.equal(res.exitCode, 1);
    assert.match(res.stderr, /spec\.manifests\[0\]\.tags: .*expected array/, "the shape error");
    assert.match(res.stderr, /duplicate add-on name "b"/, "the duplicate");
    assert.match(res.stderr, /unknown add-on "nope"/, "the unknown dependency");
    assert.doesNotMatch(res.stderr, /unknown add-on "a"/, "a broken entry still counts by name");
    assert.match(res.stderr, /path missing does not exist/, "the missing path");
    assert.match(res.stderr, /4 problem\(s\)/);
  });

  describe("order and tags (tazuna graph, tazuna tags)", () => {
    it("dependsOn gives the layers; without dependsOn anywhere, declaration order", async () => {
      const withDeps = await project(
        file(`  manifests:\n${kz("c", ", dependsOn: [a]")}${kz("a")}${kz("b", ", dependsOn: [c]")}`),
      );
      const g = await tazuna(withDeps, ["graph"]);
      assert.equal(g.exitCode, 0, g.stderr);
      assert.match(g.stdout, /a --> c/);
      assert.match(g.stdout, /c --> b/);
      const plain = await project(file(`  manifests:\n${kz("z")}${kz("y")}`));
      const p = await tazuna(plain, ["graph"]);
      assert.match(p.stdout, /z --> y/, "each add-on waits for the one declared before it");
    });

    it("tags list every tag with its add-ons, included files too", async () => {
      const dir = await project(
        file(`  manifests:\n${kz("a", ", tags: [net]")}    - includes: [{path: t.yaml}]\n`, {
          "t.yaml": `spec:\n  manifests:\n${kz("b", ", tags: [net, edge]")}`,
        }),
      );
      const res = await tazuna(dir, ["tags"]);
      assert.equal(res.exitCode, 0, res.stderr);
      assert.match(res.stdout, /^edge\tb$/m);
      assert.match(res.stdout, /^net\ta, b$/m);
    });
  });

  describe("context matching (RE2, whole name, environments replace the root patterns)", () => {
    const guard = async (yaml: string, context: string, environment?: string) => {
      const dir = await project(file(yaml));
      const d = await loadDeclaration(path.join(dir, "tazuna.yaml"), environment ? { environment } : {});
      try {
        checkContext(context, d.contextMatches, d.matchMode, d.guardField);
        return "allowed";
      } catch (err) {
        assert.ok(err instanceof GuardError);
        assert.match(err.message, new RegExp(d.guardField.replace(/\./g, "\\.")));
        return "refused";
      }
    };
    const m = `  manifests:\n${kz("a")}`;
    const cases: [string, string, string | undefined, "allowed" | "refused"][] = [
      [`  context_matches: [prod]\n${m}`, "preprod-cluster", undefined, "refused"],
      [`  context_matches: [prod]\n${m}`, "prod", undefined, "allowed"],
      [`  context_matches: ['^kind-']\n${m}`, "kind-dev", undefined, "refused"],
      [`  context_matches: ['(?i)kind-.*']\n${m}`, "KIND-dev", undefined, "allowed"],
      [`  context_matches: ['.*-a', 'x-.*']\n  context_match_mode: and\n${m}`, "x-a", undefined, "allowed"],
      [`  context_matches: ['.*-a', 'x-.*']\n  context_match_mode: and\n${m}`, "y-a", undefined, "refused"],
      [
        `  context_matches: ['kind-.*']\n  environments:\n    prod: {context_matches: ['prod-tokyo']}\n${m}`,
        "kind-dev",
        "prod",
        "refused",
      ],
      [
        `  context_matches: ['kind-.*']\n  environments:\n    prod: {context_matches: ['prod-tokyo']}\n${m}`,
        "prod-tokyo",
        "prod",
        "allowed",
      ],
      [`  context_matches: ['kind-.*']\n  environments:\n    open: {}\n${m}`, "anything", "open", "allowed"],
      [
        `  context_matches: ['a', 'b']\n  context_match_mode: and\n  environments:\n    e: {context_matches: ['x.*', '.*y'], context_match_mode: ''}\n${m}`,
        "xy",
        "e",
        "allowed",
      ],
      [
        `  context_matches: ['a', 'b']\n  context_match_mode: and\n  environments:\n    e: {context_matches: ['x.*', '.*y'], context_match_mode: ''}\n${m}`,
        "x1",
        "e",
        "refused",
      ],
    ];
    for (const [yaml, context, env, want] of cases) {
      const patterns = /context_matches: (\[[^\]]*\])/.exec(yaml)?.[1] ?? "";
      it(`${context}${env ? ` with -e ${env}` : ""} against ${patterns}: ${want}`, async () => {
        assert.equal(await guard(yaml, context, env), want);
      });
    }
  });

  it("the Go-format fixture (test/fixtures/go-format) passes check in each environment and renders with its vars", async () => {
    for (const env of [[], ["-e", "local"], ["-e", "prod"]]) {
      const res = await tazuna(GO_FORMAT, [...env, "check"]);
      assert.equal(res.exitCode, 0, res.stderr);
    }
    const build = await tazuna(GO_FORMAT, ["-e", "prod", "build", "--tags", "base"]);
    assert.equal(build.exitCode, 0, build.stderr);
    assert.match(build.stdout, /name: prod/, "{{ .Environment }} chose the prod overlay");
  });
});
