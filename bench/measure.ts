/** Wall time and peak memory of a command and of everything it starts (the engine, its plugins). */
import { readdir, readFile } from "node:fs/promises";
import { execa } from "execa";

export interface Measured {
  ms: number;
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the process itself (KB). */
  peakRootKb: number;
  /** Peak of the summed resident memory of every process below it (KB). */
  peakRestKb: number;
}

async function processTable(): Promise<{ pid: number; ppid: number; rssKb: number }[]> {
  const rows = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const status = await readFile(`/proc/${name}/status`, "utf8").catch(() => "");
    const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1];
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    if (ppid) rows.push({ pid: Number(name), ppid: Number(ppid), rssKb: Number(rss ?? 0) });
  }
  return rows;
}

/** Runs the command, sampling /proc every 250 ms for its memory and its descendants'. */
export async function measured(cmd: string, args: string[], env: Record<string, string>): Promise<Measured> {
  const t0 = Date.now();
  const child = execa(cmd, args, { env, reject: false, stdin: "ignore" });
  let peakRootKb = 0;
  let peakRestKb = 0;
  const root = child.pid ?? -1;
  const sample = async () => {
    const table = await processTable();
    const below = new Set([root]);
    // Parents come before children often enough; a second sweep catches the rest.
    for (let sweep = 0; sweep < 3; sweep++) for (const p of table) if (below.has(p.ppid)) below.add(p.pid);
    peakRootKb = Math.max(peakRootKb, table.find((p) => p.pid === root)?.rssKb ?? 0);
    const rest = table.filter((p) => p.pid !== root && below.has(p.pid)).reduce((s, p) => s + p.rssKb, 0);
    peakRestKb = Math.max(peakRestKb, rest);
  };
  let running = true;
  const sampler = (async () => {
    while (running) {
      await sample();
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const res = await child;
  running = false;
  await sampler;
  return {
    ms: Date.now() - t0,
    exitCode: res.exitCode,
    stdout: String(res.stdout),
    stderr: String(res.stderr),
    peakRootKb,
    peakRestKb,
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
