/**
 * A table of broken tazuna.yaml files. Each must fail with its own message,
 * naming the file, the field and (where YAML gives it) the line.
 */
import { strict as assert } from "node:assert";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ConfigError } from "../../src/config/errors";
import { loadDeclaration } from "../../src/declaration/load";

interface Case {
  name: string;
  yaml: string;
  /** Extra files, relative to the tazuna.yaml's folder. */
  files?: Record<string, string>;
  field: string;
  message: RegExp;
  line?: number;
  fix?: RegExp;
}

const head = "apiVersion: tazuna.pepabo.com/v1\nkind: Tazuna\nspec:\n";
const one = (body: string) => `${head}  manifests:\n    - name: a\n${body}`;

const CASES: Case[] = [
  { name: "YAML syntax error", yaml: `${head}  manifests: [\n`, field: "", message: /YAML syntax error/ },
  { name: "tab indentation", yaml: `${head}\tmanifests: []\n`, field: "", message: /YAML syntax error/ },
  {
    name: "duplicate key",
    yaml: `${head}  manifests: []\n  manifests: []\n`,
    field: "",
    message: /YAML syntax error.*[Mm]ap keys must be unique/,
  },
  {
    name: "wrong apiVersion",
    yaml: "apiVersion: v2\nspec:\n  manifests: [{name: a, type: kustomize, path: k}]\n",
    files: { "k/kustomization.yaml": "" },
    field: "apiVersion",
    message: /Invalid input/,
    line: 1,
    fix: /tazuna\.pepabo\.com\/v1/,
  },
  {
    name: "wrong kind",
    yaml: "kind: Tazunaa\nspec:\n  manifests: [{name: a, type: kustomize, path: k}]\n",
    files: { "k/kustomization.yaml": "" },
    field: "kind",
    message: /Invalid input/,
    fix: /"Tazuna"/,
  },
  {
    name: "missing spec",
    yaml: "apiVersion: tazuna.pepabo.com/v1\n",
    field: "spec",
    message: /expected object/,
  },

  {
    name: "unknown top field with suggestion",
    yaml: "apiVersion: tazuna.pepabo.com/v1\nspec:\n  manifests: [{name: a, type: kustomize, path: k}]\n  context_matchs: [x]\n",
    files: { "k/kustomization.yaml": "" },
    field: "spec.context_matchs",
    message: /unknown field "context_matchs"/,
    line: 4,
    fix: /did you mean "context_matches"/,
  },
  {
    name: "unknown add-on field with suggestion",
    yaml: one("      type: kustomize\n      path: k\n      dependOn: [b]\n"),
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0].dependOn",
    message: /unknown field "dependOn"/,
    line: 8,
    fix: /did you mean "dependsOn"/,
  },
  {
    name: "unknown field without suggestion",
    yaml: one("      type: kustomize\n      path: k\n      zzzzzzzz: 1\n"),
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0].zzzzzzzz",
    message: /unknown field/,
    fix: /allowed here: name, description/,
  },
  {
    name: "unknown field in type block",
    yaml: one("      type: kustomize\n      path: k\n      kustomize: {defaultNamespce: x}\n"),
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0].kustomize.defaultNamespce",
    message: /unknown field/,
    fix: /defaultNamespace/,
  },
  {
    name: "bad type",
    yaml: one("      type: kustomise\n      path: k\n"),
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0].type",
    message: /Invalid option/,
    line: 6,
    fix: /^did you mean "kustomize"\?/,
  },
  {
    name: "missing type",
    yaml: one("      path: k\n"),
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0]",
    message: /has no type/,
  },
  {
    name: "missing path",
    yaml: one("      type: kustomize\n"),
    field: "spec.manifests[0]",
    message: /has no path/,
  },
  {
    name: "path does not exist",
    yaml: one("      type: kustomize\n      path: nowhere\n"),
    field: "spec.manifests[0].path",
    message: /does not exist/,
    line: 7,
  },
  {
    name: "bad name",
    yaml: `${head}  manifests:\n    - name: "a b"\n      type: kustomize\n      path: k\n`,
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0].name",
    message: /not a valid name/,
    line: 5,
  },
  {
    name: "reserved name",
    yaml: `${head}  manifests:\n    - name: _metadata\n      type: kustomize\n      path: k\n`,
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0].name",
    message: /reserved/,
  },
  {
    name: "duplicate name",
    yaml: `${head}  manifests:\n    - {name: a, type: kustomize, path: k}\n    - {name: a, type: kustomize, path: k}\n`,
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[1].name",
    message: /duplicate add-on name "a"/,
    line: 6,
  },
  {
    name: "add-on without a name (and without includes)",
    yaml: `${head}  manifests:\n    - {type: kustomize, path: k}\n`,
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0]",
    message: /an add-on needs a name \(only an entry that holds includes may go without one\)/,
    fix: /add name:/,
  },
  {
    name: "duplicate name across includes",
    yaml: `${head}  manifests:\n    - {name: a, type: kustomize, path: k}\n    - name: inc\n      includes: [{path: sub/tazuna.yaml}]\n`,
    files: {
      "k/kustomization.yaml": "",
      "sub/tazuna.yaml": `${head}  manifests:\n    - {name: a, type: kustomize, path: ../k}\n`,
    },
    field: "spec.manifests[0].name",
    message: /duplicate add-on name "a"/,
  },
  {
    name: "include file missing",
    yaml: `${head}  manifests:\n    - name: inc\n      includes: [{path: missing.yaml}]\n`,
    field: "",
    message: /file not found/,
  },
  {
    name: "nested include",
    yaml: `${head}  manifests:\n    - name: inc\n      includes: [{path: sub/tazuna.yaml}]\n`,
    files: {
      "sub/tazuna.yaml": `${head}  manifests:\n    - name: inc2\n      includes: [{path: other.yaml}]\n`,
    },
    field: "spec.manifests[0].includes",
    message: /nested includes/,
  },
  {
    name: "unknown dependsOn",
    yaml: `${head}  manifests:\n    - {name: cert-manager, type: kustomize, path: k}\n    - name: b\n      type: kustomize\n      path: k\n      dependsOn: [cert-manger]\n`,
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[1].dependsOn[0]",
    message: /unknown add-on "cert-manger"/,
    line: 9,
    fix: /did you mean "cert-manager"/,
  },
  {
    name: "self dependency",
    yaml: one("      type: kustomize\n      path: k\n      dependsOn: [a]\n"),
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0].dependsOn[0]",
    message: /depends on itself/,
  },
  {
    name: "cycle",
    yaml: `${head}  manifests:\n    - {name: a, type: kustomize, path: k, dependsOn: [c]}\n    - {name: b, type: kustomize, path: k, dependsOn: [a]}\n    - {name: c, type: kustomize, path: k, dependsOn: [b]}\n`,
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0].dependsOn",
    message: /dependency cycle: a -> c -> b -> a/,
  },
  {
    name: "bad regex",
    yaml: "spec:\n  context_matches: ['^prod-(']\n  manifests: [{name: a, type: kustomize, path: k}]\n",
    files: { "k/kustomization.yaml": "" },
    field: "spec.context_matches[0]",
    message: /not a valid RE2 pattern: .*missing closing \)/,
    line: 2,
  },
  {
    name: "look-ahead is not RE2",
    yaml: "spec:\n  context_matches: ['prod-(?!test).*']\n  manifests: [{name: a, type: kustomize, path: k}]\n",
    files: { "k/kustomization.yaml": "" },
    field: "spec.context_matches[0]",
    message: /not a valid RE2 pattern: .*\(\?!/,
    line: 2,
  },
  {
    name: "an API version that smuggles in a helm flag",
    yaml: one(
      "      type: helm\n      path: c\n      helm: {apiVersions: ['v1 --post-renderer /tmp/evil.sh']}\n",
    ),
    files: { "c/Chart.yaml": "" },
    field: "spec.manifests[0].helm.apiVersions[0]",
    message: /must be an API version like monitoring\.coreos\.com\/v1/,
  },
  {
    name: "a release name that reads as an option",
    yaml: one("      type: helm\n      path: c\n      helm: {releaseName: --debug, chart: -x}\n"),
    files: { "c/Chart.yaml": "" },
    field: "spec.manifests[0].helm.releaseName",
    message: /must be a helm release name/,
  },
  {
    name: "a namespace Kubernetes would refuse",
    yaml: one("      type: kustomize\n      path: k\n      namespace: -n kube-system\n"),
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0].namespace",
    message: /must be a Kubernetes namespace name/,
  },
  {
    name: "bad match mode",
    yaml: "spec:\n  context_match_mode: xor\n  manifests: [{name: a, type: kustomize, path: k}]\n",
    files: { "k/kustomization.yaml": "" },
    field: "spec.context_match_mode",
    message: /Invalid option/,
    fix: /"or", "and"/,
  },
  {
    name: "tags not a list",
    yaml: one("      type: kustomize\n      path: k\n      tags: cni\n"),
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0].tags",
    message: /expected array/,
    fix: /give an array/,
  },
  {
    name: "bad timeout",
    yaml: one("      type: kustomize\n      path: k\n      timeout: 5 minutes\n"),
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0].timeout",
    message: /duration/,
  },
  {
    name: "block for another type",
    yaml: one("      type: kustomize\n      path: k\n      helm: {releaseName: x}\n"),
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0].helm",
    message: /only read for type: helm/,
  },
  {
    name: "plugin without block",
    yaml: one("      type: plugin\n"),
    field: "spec.manifests[0]",
    message: /no plugin block/,
  },
  {
    name: "helm without chart",
    yaml: one("      type: helm\n"),
    field: "spec.manifests[0]",
    message: /names no chart/,
  },
  {
    name: "helmfile var with two sources",
    yaml: one(
      "      type: helmfile\n      path: k\n      helmfile:\n        vars:\n          X: {env: A, static: b}\n",
    ),
    files: { "k/helmfile.yaml": "" },
    field: "spec.manifests[0].helmfile.vars.X",
    message: /Invalid input/,
  },
  {
    name: "unknown variable",
    yaml: one("      type: kustomize\n      path: overlays/${vars.rgion}\n"),
    field: "spec.manifests[0].path",
    message: /unknown variable \$\{vars\.rgion\}/,
    fix: /did you mean \$\{vars\.region\}/,
  },
  {
    name: "too-new minimum version",
    yaml: "spec:\n  minimumSupportedTazunaVersion: 99.0.0\n  manifests: [{name: a, type: kustomize, path: k}]\n",
    files: { "k/kustomization.yaml": "" },
    field: "spec.minimumSupportedTazunaVersion",
    message: /needs Tazuna 99\.0\.0 or newer/,
  },
  {
    name: "readiness jsonpath malformed",
    yaml: one(
      "      type: kustomize\n      path: k\n      readiness:\n        waitFor: [{kind: Deployment, name: x, jsonpath: status}]\n",
    ),
    files: { "k/kustomization.yaml": "" },
    field: "spec.manifests[0].readiness.waitFor[0].jsonpath",
    message: /must look like/,
  },
  {
    name: "oras without a tag",
    yaml: one("      type: oras\n      oras: {reference: ghcr.io/x/y, delegate: {type: kustomize}}\n"),
    field: "spec.manifests[0].oras.reference",
    message: /has no tag or digest/,
    fix: /host\/repo:tag/,
  },
  {
    name: "genesissecret path is a folder",
    yaml: one("      type: genesissecret\n      path: k\n"),
    files: { "k/x.yaml": "" },
    field: "spec.manifests[0].path",
    message: /names one file, not a folder/,
  },
  {
    name: "helm values file missing",
    yaml: one("      type: helm\n      path: k\n      helm:\n        valuesFiles: [values-prod.yaml]\n"),
    files: { "k/Chart.yaml": "" },
    field: "spec.manifests[0].helm.valuesFiles[0]",
    message: /values-prod\.yaml does not exist/,
  },
  {
    name: "helmfile var from a sops file that is missing",
    yaml: one(
      "      type: helmfile\n      path: h\n      helmfile:\n        vars:\n          token: {from: sops, sops: {file: secrets/gone.sops.yaml, key: token}}\n",
    ),
    files: { "h/helmfile.yaml": "" },
    field: "spec.manifests[0].helmfile.vars.token.sops.file",
    message: /secrets\/gone\.sops\.yaml does not exist/,
  },
  {
    name: "manifest file missing",
    yaml: one("      type: manifests\n      path: k\n      manifests:\n        files: [a.yaml, gone.yaml]\n"),
    files: { "k/a.yaml": "" },
    field: "spec.manifests[0].manifests.files[1]",
    message: /gone\.yaml does not exist/,
  },
  {
    name: "template error names the line",
    yaml: `${head}  manifests:\n    - {name: a, type: kustomize, path: '{{ .Cluster }}'}\n`,
    field: "",
    message: /template error: .*can't evaluate field Cluster/,
    line: 5,
  },
];

describe("tazuna.yaml validation table", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "tazuna-validate-"));
  });

  it(`has at least 30 cases (${CASES.length})`, () => assert.ok(CASES.length >= 30));

  CASES.forEach((c, i) => {
    it(c.name, async () => {
      const dir = path.join(root, String(i));
      await mkdir(dir, { recursive: true });
      for (const [f, text] of Object.entries(c.files ?? {})) {
        await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
        await writeFile(path.join(dir, f), text);
      }
      const file = path.join(dir, "tazuna.yaml");
      await writeFile(file, c.yaml);
      const err = await loadDeclaration(file, {
        variables: { cluster: "staging", vars: { region: "eu" } },
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
      const p = err.problems.find((x) => x.field === c.field && c.message.test(x.message));
      assert.ok(p, `no problem at "${c.field}" matching ${String(c.message)}; got:\n${err.message}`);
      assert.ok(p.file.endsWith(".yaml"), "names the file");
      if (c.line !== undefined) assert.equal(p.line, c.line, `line of ${c.field}`);
      if (c.fix) assert.match(p.fix, c.fix);
      assert.match(err.message, /nothing was applied/);
    });
  });
});
