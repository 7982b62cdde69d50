/**
 * `npm run bench:cli`: how long a tazuna command takes before it does any
 * work, against the floor of starting Node at all (`node -e 0`) and a Go
 * CLI (`kubectl version --client`), all measured in this run, interleaved
 * round by round so a noisy machine slows each the same. Prints medians and
 * ratios, and the goals: --version within 3x of node -e 0, check of the
 * example within 1 s, and traces sent to a collector that never answers (a
 * local socket that accepts and stays silent) costing at most 1 s more than
 * to one that does (the real collector, when scripts/tools.sh otelcol built it).
 * Never part of the tests: timings are not assertions.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa, type ResultPromise } from "execa";
import { freePort } from "../src/cluster/ports";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "dist/cli/bin.js");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

interface Case {
  name: string;
  cmd: string;
  args: string[];
}

const SILENT = 4300 + Math.floor(Math.random() * 500);
const LIVE = SILENT + 600;

const CASES: Case[] = [
  { name: "node -e 0", cmd: process.execPath, args: ["-e", "0"] },
  { name: "kubectl version --client", cmd: "kubectl", args: ["version", "--client"] },
  { name: "tazuna --version", cmd: process.execPath, args: [BIN, "--version"] },
  { name: "tazuna --help", cmd: process.execPath, args: [BIN, "--help"] },
  { name: "tazuna check (example)", cmd: process.execPath, args: [BIN, "-p", ROOT, "check"] },
  {
    name: "tazuna build (example)",
    cmd: process.execPath,
    args: [BIN, "-p", ROOT, "build", "--cluster", "local"],
  },
  {
    name: "check, traces to a collector",
    cmd: process.execPath,
    args: [BIN, "-p", ROOT, "--otlp-endpoint", `127.0.0.1:${LIVE}`, "check"],
  },
  {
    name: "check, traces to a silent one",
    cmd: process.execPath,
    args: [BIN, "-p", ROOT, "--otlp-endpoint", `127.0.0.1:${SILENT}`, "check"],
  },
];

/** A socket that accepts connections and never answers: the worst collector. */
function silentCollector(): Promise<Server> {
  const server = createServer(() => undefined);
  return new Promise((resolve) => server.listen(SILENT, "127.0.0.1", () => resolve(server)));
}

/** The real collector (scripts/tools.sh otelcol), writing to a scratch file. */
async function liveCollector(): Promise<{ proc: ResultPromise }> {
  const dir = await mkdtemp(path.join(tmpdir(), "tazuna-bench-otel-"));
  const config = path.join(dir, "config.yaml");
  const http = await freePort();
  await writeFile(
    config,
    `receivers: {otlp: {protocols: {grpc: {endpoint: "127.0.0.1:${LIVE}"}, http: {endpoint: "127.0.0.1:${http}"}}}}\n` +
      `exporters: {file: {path: "${dir}/spans.jsonl"}}\n` +
      "service: {telemetry: {metrics: {level: none}}, pipelines: {traces: {receivers: [otlp], exporters: [file]}}}\n",
  );
  const proc = execa("otelcol", ["--config", config], { reject: false, stdio: "ignore" });
  for (let i = 0; i < 50; i++) {
    if (
      await fetch(`http://127.0.0.1:${http}/`).then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 200));
  }
  // Wrapped: a returned execa promise would be awaited until the collector exits.
  return { proc };
}

async function timeOnce(c: Case): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await execa(c.cmd, c.args, { reject: false, cwd: ROOT });
  if (res.exitCode !== 0) throw new Error(`${c.name} exited ${res.exitCode}: ${res.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  const silent = await silentCollector();
  const live = await liveCollector();
  try {
    await measure();
  } finally {
    silent.close();
    live.proc.kill("SIGTERM");
  }
}

async function measure(): Promise<void> {
  const times = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
  for (const c of CASES) await timeOnce(c); // warm the page cache
  for (let r = 0; r < ROUNDS; r++) for (const c of CASES) times.get(c.name)?.push(await timeOnce(c));
  const med = new Map([...times].map(([k, v]) => [k, median(v)]));
  const node = med.get("node -e 0") as number;
  const rows = CASES.map((c) => {
    const ms = med.get(c.name) as number;
    return { case: c.name, medianMs: Math.round(ms), vsNode: +(ms / node).toFixed(2) };
  });
  console.log(`median of ${ROUNDS} runs each, interleaved`);
  console.log(["CASE".padEnd(28), "MEDIAN".padStart(8), "x node -e 0".padStart(12)].join(" "));
  for (const r of rows)
    console.log([r.case.padEnd(28), `${r.medianMs} ms`.padStart(8), `${r.vsNode}x`.padStart(12)].join(" "));
  const version = rows.find((r) => r.case === "tazuna --version")?.vsNode ?? Infinity;
  const check = rows.find((r) => r.case === "tazuna check (example)")?.medianMs ?? Infinity;
  const ms = (name: string) => rows.find((r) => r.case === name)?.medianMs ?? Infinity;
  const silentCost = ms("check, traces to a silent one") - ms("check, traces to a collector");
  const goals = [
    { goal: "--version within 3x of node -e 0", value: `${version}x`, met: version <= 3 },
    { goal: "check of the example within 1 s (idle machine)", value: `${check} ms`, met: check <= 1000 },
    {
      goal: "a silent collector costs at most 1 s more than a live one",
      value: `${silentCost} ms`,
      met: silentCost <= 1000,
    },
  ];
  for (const g of goals) console.log(`goal: ${g.goal}: ${g.value} ${g.met ? "met" : "NOT met"}`);
  const out = path.join(ROOT, "bench", "results");
  await mkdir(out, { recursive: true });
  await writeFile(
    path.join(out, "cli.json"),
    `${JSON.stringify({ rounds: ROUNDS, rows, goals }, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
