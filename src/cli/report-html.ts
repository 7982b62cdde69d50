/**
 * The --report page: one HTML file with everything inline (styles, the
 * add-on graph as SVG drawn by Graphviz-in-WebAssembly, the timeline as SVG,
 * one small script), so it opens from a CI artifact with no network. Text
 * from the run is escaped; Secret values never reach it (steps hold field
 * paths, errors were scrubbed).
 */
import type { Report } from "./report";
import type { RecordedSpan } from "../trace/span-file";

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const when = (ms: number) =>
  `<time datetime="${new Date(ms).toISOString()}">${new Date(ms).toISOString()}</time>`;

/** The colour of each part of an add-on's run, in the timeline and its legend. */
const PHASES: Record<string, string> = {
  render: "#8250df",
  apply: "#54aeff",
  write: "#0969da",
  prune: "#bf3989",
  ready: "#1a7f37",
  hooks: "#9a6700",
  wait: "#2da44e",
  delete: "#cf222e",
  error: "#cf222e",
};

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1f2328}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:32px}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
code{font:12px ui-monospace,monospace;background:#f6f8fa;padding:1px 4px;border-radius:4px}
.ok{color:#1a7f37}.changes{color:#9a6700}.failed{color:#cf222e}
.bar{fill:#eaeef2}
${Object.entries(PHASES)
  .map(([p, c]) => `.phase.${p}{fill:${c}}.legend .${p}{background:${c}}`)
  .join("\n")}
svg text{font:12px system-ui,sans-serif}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
`;

const SCRIPT = `
for (const t of document.querySelectorAll("time[datetime]")) t.textContent = new Date(t.getAttribute("datetime")).toLocaleString();
`;

const resultOf = (code: number) => (code === 0 ? "ok" : code === 2 ? "changes" : "failed");

/** Spans of the run that belong to an add-on (render, apply and its parts) or a test. */
function addonSpans(r: Report): Map<string, RecordedSpan[]> {
  const byId = new Map(r.spans.map((s) => [s.spanId, s]));
  const owner = (s: RecordedSpan): string | undefined => {
    const own = s.attributes["tazuna.addon"] ?? s.attributes["tazuna.test"];
    if (typeof own === "string") return s.attributes["tazuna.test"] ? `test ${own}` : own;
    const parent = s.parentId ? byId.get(s.parentId) : undefined;
    return parent ? owner(parent) : undefined;
  };
  const rows = new Map<string, RecordedSpan[]>(r.addons.map((a) => [a.name, []]));
  for (const s of r.spans) {
    const o = owner(s);
    if (o) rows.set(o, [...(rows.get(o) ?? []), s]);
  }
  return rows;
}

const phaseOf = (name: string) => name.split(" ")[0] ?? "";

function timeline(r: Report): string {
  const rows = [...addonSpans(r)].filter(([, spans]) => spans.length > 0);
  if (rows.length === 0) return "<p>No add-on ran in this run (nothing was recorded).</p>";
  const t0 = Math.min(r.startedAt, ...r.spans.map((s) => s.start));
  const t1 = Math.max(r.endedAt, ...r.spans.map((s) => s.end));
  const [label, width, rowH] = [180, 760, 24];
  const x = (t: number) => label + ((t - t0) / Math.max(1, t1 - t0)) * width;
  const out: string[] = [];
  for (const [i, [name, spans]] of rows.entries()) {
    const y = 24 + i * rowH;
    const [start, end] = [Math.min(...spans.map((s) => s.start)), Math.max(...spans.map((s) => s.end))];
    out.push(`<text x="4" y="${y + 15}">${esc(name)}</text>`);
    out.push(
      `<rect class="bar ${name.startsWith("test ") ? "test-bar" : "addon-bar"}" data-addon="${esc(name)}" x="${x(start)}" y="${y + 2}" width="${Math.max(2, x(end) - x(start))}" height="${rowH - 4}"><title>${esc(name)}: ${secs(end - start)}</title></rect>`,
    );
    // Outer spans first, so the parts (write, ready) draw over their apply.
    const sorted = [...spans].sort((a, b) => b.end - b.start - (a.end - a.start));
    for (const s of sorted) {
      const cls = s.error ? "error" : phaseOf(s.name);
      out.push(
        `<rect class="phase ${esc(cls)}" data-phase="${esc(phaseOf(s.name))}" x="${x(s.start)}" y="${y + 6}" width="${Math.max(2, x(s.end) - x(s.start))}" height="${rowH - 12}"><title>${esc(s.name)}: ${secs(s.end - s.start)}${s.error ? ` (failed: ${esc(s.error)})` : ""}</title></rect>`,
      );
    }
  }
  const h = 24 + rows.length * rowH + 20;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const t = t0 + f * (t1 - t0);
    return `<line x1="${x(t)}" x2="${x(t)}" y1="18" y2="${h - 16}" stroke="#eaeef2"/><text x="${x(t) - 10}" y="12">${secs(t - t0)}</text>`;
  });
  const legend = Object.keys(PHASES)
    .map((c) => `<span class="${c}"></span>${c}`)
    .join("");
  return `<svg class="timeline" width="${label + width + 20}" height="${h}" role="img" aria-label="timeline">${ticks.join("")}${out.join("")}</svg><div class="legend">${legend}</div>`;
}

function changes(r: Report): string {
  if (r.changes.length === 0) return "<p>No changes.</p>";
  const rows = r.changes.map(
    (s) =>
      `<tr><td>${esc(s.addon)}</td><td class="${s.op === "delete" ? "failed" : s.op === "create" ? "ok" : "changes"}">${esc(s.op)}${s.drift ? " (drift)" : ""}</td><td><code>${esc(s.object)}</code></td><td>${s.fields.map((f) => `<code>${esc(f)}</code>`).join(" ")}</td></tr>`,
  );
  return `<table><tr><th>add-on</th><th>change</th><th>object</th><th>fields</th></tr>${rows.join("")}</table>`;
}

function guard(r: Report): string {
  if (r.guardSkipped) return `<p>Not checked: ${esc(r.guardSkipped)}.</p>`;
  const g = r.guard;
  if (!g) return `<p class="failed">The declaration was not loaded${r.error ? `: ${esc(r.error)}` : ""}.</p>`;
  const refused = r.exitCode === 3;
  return `<table>
<tr><th>context</th><td><code>${esc(g.context)}</code></td></tr>
<tr><th>${esc(g.field)}</th><td>${g.patterns.map((p) => `<code>${esc(p)}</code>`).join(" ") || "none"} (${esc(g.mode)})</td></tr>
<tr><th>pinned cluster</th><td>${g.pinnedUid ? `<code>${esc(g.pinnedUid)}</code>` : "not pinned yet (the first apply pins it)"}</td></tr>
<tr><th>finding</th><td class="${refused ? "failed" : "ok"}">${refused ? `refused: ${esc(r.error ?? "")}` : "passed"}</td></tr>
</table>`;
}

async function graph(r: Report): Promise<string> {
  if (r.addons.length === 0) return "";
  const lines = ["digraph tazuna {", "  rankdir=LR;", '  node [shape=box, fontname="sans-serif"];'];
  for (const a of r.addons) lines.push(`  "${a.name}" [label="${a.name}\\n${a.type}"];`);
  for (const a of r.addons) for (const d of a.dependsOn) lines.push(`  "${d}" -> "${a.name}";`);
  lines.push("}");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { instance } = require("@viz-js/viz") as typeof import("@viz-js/viz");
  const svg = (await instance()).renderString(lines.join("\n"), { format: "svg" });
  return svg.replace(/^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?/, "");
}

async function section(r: Report, heading: boolean): Promise<string> {
  return `<section class="cluster" data-cluster="${esc(r.cluster)}">
${heading ? `<h2>${esc(r.cluster)}</h2>` : ""}
<p>tazuna ${esc(r.command)} on <b>${esc(r.cluster)}</b>: <span class="${resultOf(r.exitCode)}">exit ${r.exitCode} (${resultOf(r.exitCode)})</span>, started ${when(r.startedAt)}, took ${secs(r.endedAt - r.startedAt)}.</p>
${r.error ? `<p class="failed">${esc(r.error)}</p>` : ""}
<h3>Guard</h3>${guard(r)}
<h3>Add-ons</h3>${await graph(r)}
<h3>Timeline</h3>${timeline(r)}
<h3>Changes</h3>${changes(r)}
</section>`;
}

function fleetTable(reports: Report[]): string {
  const rows = reports.map(
    (r) =>
      `<tr><td><a href="#${esc(r.cluster)}">${esc(r.cluster)}</a></td><td class="${resultOf(r.exitCode)}">${resultOf(r.exitCode)}</td><td>${r.exitCode}</td><td>${secs(r.endedAt - r.startedAt)}</td><td>${r.changes.length}</td></tr>`,
  );
  return `<table class="fleet"><tr><th>cluster</th><th>result</th><th>exit</th><th>time</th><th>changes</th></tr>${rows.join("")}</table>`;
}

export async function reportHtml(reports: Report[]): Promise<string> {
  const first = reports[0];
  const title = `tazuna ${first?.command ?? ""}: ${reports.map((r) => r.cluster).join(", ")}`;
  const sections = [];
  for (const r of reports)
    sections.push(
      (await section(r, reports.length > 1)).replace(
        'class="cluster"',
        `id="${esc(r.cluster)}" class="cluster"`,
      ),
    );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<style>${STYLE}</style></head>
<body><h1>${esc(title)}</h1>
${reports.length > 1 ? fleetTable(reports) : ""}
${sections.join("\n")}
<script>${SCRIPT}</script>
</body></html>
`;
}
