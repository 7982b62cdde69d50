/** kill -9 of a run and everything it started, as a crash of a CI runner would. */
import { execa } from "execa";

/** Every process below pid (found through ps). */
export async function descendants(pid: number): Promise<number[]> {
  const { stdout } = await execa("ps", ["-eo", "pid=,ppid="]);
  const rows = stdout
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const out: number[] = [];
  const walk = (p: number) => rows.filter(([, pp]) => pp === p).forEach(([c]) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

/** SIGKILL to pid and each of these processes; one that exited since ps listed it is skipped. */
export function killAll(pids: readonly number[]): void {
  for (const p of pids) {
    try {
      process.kill(p, "SIGKILL");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
    }
  }
}
