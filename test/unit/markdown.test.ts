/** plan -o markdown: what a pull-request comment holds, and how a long plan is cut. */
import { strict as assert } from "node:assert";
import { GITHUB_COMMENT_LIMIT, fullPlanAt, planMarkdown } from "../../src/cli/markdown";
import type { Step } from "../../src/cli/results";

const step = (addon: string, op: string, object: string, fields: string[] = [], drift?: boolean): Step => ({
  addon,
  op,
  object,
  fields,
  ...(drift !== undefined ? { drift } : {}),
});

describe("plan -o markdown", () => {
  it("one cluster: a heading, a line of counts, a collapsible section per add-on", () => {
    const md = planMarkdown([
      {
        cluster: "prod",
        changes: [
          step("cni", "create", "core/v1:ConfigMap kube-system/cni"),
          step("argocd", "update", "apps/v1:Deployment argocd/argocd-server", ["spec.replicas"], true),
          step("argocd", "delete", "core/v1:Secret argocd/old"),
        ],
      },
    ]);
    assert.match(
      md,
      /^## Tazuna plan: prod\n\n\| cluster \| result \| changes \|\n\|---\|---\|---\|\n\| prod \| 3 changes \| 1 to create, 1 to update, 1 to delete \|$/m,
    );
    assert.match(md, /^### prod\n\n3 changes: 1 to create, 1 to update, 1 to delete\.$/m);
    assert.match(md, /<details><summary><b>cni<\/b>: 1 to create<\/summary>/);
    assert.match(md, /<details><summary><b>argocd<\/b>: 1 to update, 1 to delete<\/summary>/);
    assert.match(
      md,
      /^\| ~ update \(drift\) \| `apps\/v1:Deployment argocd\/argocd-server` \| `spec\.replicas` \|$/m,
    );
    assert.match(md, /^\| - delete \| `core\/v1:Secret argocd\/old` \| {2}\|$/m);
    assert.equal(md.match(/<\/details>/g)?.length, 2);
  });

  it("no changes says so; a fleet gets a table with a row per cluster, a failed one with its first line", () => {
    assert.match(planMarkdown([{ cluster: "dev", changes: [] }]), /### dev\n\nNo changes\./);
    const md = planMarkdown([
      { cluster: "a", changes: [] },
      { cluster: "b", changes: [step("x", "create", "core/v1:Namespace x")] },
      { cluster: "c", error: "guard: context prod does not match\n  fix: ..." },
    ]);
    assert.match(md, /^## Tazuna plan: 3 clusters$/m);
    assert.match(md, /^\| a \| no changes \| {2}\|$/m);
    assert.match(md, /^\| b \| 1 changes \| 1 to create \|$/m);
    assert.match(md, /^\| c \| failed \| guard: context prod does not match \|$/m);
    assert.match(md, /### c\n\n\*\*failed\*\*: guard: context prod does not match {3}fix: \.\.\./);
  });

  it("a plan too long for one comment is cut at a section, with a note on where the full one is", () => {
    const changes = Array.from({ length: 3000 }, (_, i) =>
      step(`addon-${Math.floor(i / 30)}`, "create", `core/v1:ConfigMap ns/config-map-number-${i}`, [
        "data.key",
      ]),
    );
    const where = fullPlanAt({
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "acme/infra",
      GITHUB_RUN_ID: "42",
    });
    const md = planMarkdown([{ cluster: "big", changes }], GITHUB_COMMENT_LIMIT, where);
    assert.ok(md.length <= GITHUB_COMMENT_LIMIT, `${md.length} characters`);
    assert.ok(md.length > GITHUB_COMMENT_LIMIT - 5_000, "it fills the comment before cutting");
    assert.match(
      md,
      /> \*\*The plan is cut here\*\*: \d+ more sections did not fit in one comment \(65,536 characters\)\. The full plan: the log of \[this CI run\]\(https:\/\/github\.com\/acme\/infra\/actions\/runs\/42\)\.\n$/,
    );
    assert.equal(
      (md.match(/<details>/g) ?? []).length,
      (md.match(/<\/details>/g) ?? []).length,
      "no section is cut in half",
    );
    // The control: the same plan, short enough, is whole.
    const short = planMarkdown(
      [{ cluster: "big", changes: changes.slice(0, 30) }],
      GITHUB_COMMENT_LIMIT,
      where,
    );
    assert.doesNotMatch(short, /cut here/);
    assert.equal(fullPlanAt({}), "`tazuna plan` (or `-o json`) on the same commit");
  });
});
