/**
 * `plan -o markdown`: the plan written for people, as a pull-request
 * comment (Atlantis, tfcmt): a table per cluster, then each add-on's
 * changes in a collapsible section. Steps carry field paths only, never
 * values, so nothing secret can reach the comment. A plan longer than a
 * GitHub comment is cut at a section boundary with a note on where the full
 * one is.
 */
import type { Step } from "./results";
import { SIGN } from "./steps";

/** GitHub's limit on a comment's body, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface ClusterPlan {
  cluster: string;
  /** undefined: the cluster's plan failed (error says why). */
  changes?: Step[];
  error?: string;
}

const sign = (op: string) => SIGN[op] ?? "±";
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
/** A table cell: one line, no column breaks. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function counts(steps: Step[]): string {
  const by = new Map<string, number>();
  for (const s of steps) by.set(s.op, (by.get(s.op) ?? 0) + 1);
  return [...by].map(([op, n]) => `${n} to ${op}`).join(", ");
}

function addonSection(addon: string, steps: Step[]): string {
  const rows = steps.map((s) => {
    const op = `${sign(s.op)} ${s.op}${s.drift ? " (drift)" : ""}`;
    return `| ${op} | ${code(s.object)} | ${s.fields.map(code).join(", ")} |`;
  });
  return [
    `<details><summary><b>${addon}</b>: ${counts(steps)}</summary>`,
    "",
    "| | object | fields |",
    "|---|---|---|",
    ...rows,
    "",
    "</details>",
  ].join("\n");
}

function summaryTable(plans: ClusterPlan[]): string {
  const rows = plans.map((p) => {
    if (!p.changes) return `| ${p.cluster} | failed | ${cell((p.error ?? "").split("\n")[0] ?? "")} |`;
    return `| ${p.cluster} | ${p.changes.length === 0 ? "no changes" : `${p.changes.length} changes`} | ${cell(counts(p.changes))} |`;
  });
  return ["| cluster | result | changes |", "|---|---|---|", ...rows].join("\n");
}

/** Where the whole plan can be read when the comment is cut. */
export function fullPlanAt(env: NodeJS.ProcessEnv = process.env): string {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  if (server && repo && run) return `the log of [this CI run](${server}/${repo}/actions/runs/${run})`;
  return "`tazuna plan` (or `-o json`) on the same commit";
}

/** The sections of one cluster: a heading, a line, then one collapsible block per add-on. */
function clusterSections(p: ClusterPlan, heading: string): string[] {
  if (!p.changes) return [`${heading} ${p.cluster}\n\n**failed**: ${cell(p.error ?? "")}`];
  if (p.changes.length === 0) return [`${heading} ${p.cluster}\n\nNo changes.`];
  const addons = [...new Set(p.changes.map((s) => s.addon))];
  return [
    `${heading} ${p.cluster}\n\n${p.changes.length} changes: ${counts(p.changes)}.`,
    ...addons.map((a) =>
      addonSection(
        a,
        (p.changes ?? []).filter((s) => s.addon === a),
      ),
    ),
  ];
}

/** The whole comment; at most `limit` characters. */
export function planMarkdown(
  plans: ClusterPlan[],
  limit = GITHUB_COMMENT_LIMIT,
  where = fullPlanAt(),
): string {
  const title = plans.length > 1 ? `${plans.length} clusters` : (plans[0]?.cluster ?? "");
  const head = `## Tazuna plan: ${title}\n\n${summaryTable(plans)}`;
  const sections = plans.flatMap((p) => clusterSections(p, "###"));
  const out = [head];
  let size = head.length;
  for (const [i, s] of sections.entries()) {
    const note = `> **The plan is cut here**: ${sections.length - i} more sections did not fit in one comment (${limit.toLocaleString("en-US")} characters). The full plan: ${where}.`;
    // Room for this section and, unless it is the last, for the note should the next not fit.
    const last = i === sections.length - 1;
    if (size + s.length + 2 + (last ? 0 : note.length + 2) > limit) {
      out.push(note);
      break;
    }
    out.push(s);
    size += s.length + 2;
  }
  return `${out.join("\n\n")}\n`;
}
