/**
 * Inside a second network namespace (see other-netns.ts): listens on
 * 127.0.0.1:<port> for each port, forwarding to <dir>/<port>.sock, then runs
 * the command and exits with its exit code.
 *   loopback-bridge.ts <dir> <port,port...|none> <cmd> [args...]
 */
import { spawn } from "node:child_process";
import { createConnection, createServer } from "node:net";
import * as path from "node:path";
import { pipeBoth } from "./pipe";

async function main(): Promise<void> {
  const [dir, ports, cmd, ...args] = process.argv.slice(2);
  if (!dir || !ports || !cmd) throw new Error("usage: loopback-bridge.ts <dir> <ports> <cmd> [args...]");
  await Promise.all(
    (ports === "none" ? [] : ports.split(",")).map(
      (port) =>
        new Promise<void>((resolve, reject) => {
          const srv = createServer((c) => pipeBoth(c, createConnection(path.join(dir, `${port}.sock`))));
          srv.once("error", reject);
          srv.listen(Number(port), "127.0.0.1", () => resolve());
        }),
    ),
  );
  const child = spawn(cmd, args, { stdio: "inherit" });
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

main().catch((err: unknown) => {
  console.error(`loopback-bridge: ${String(err)}`);
  process.exit(1);
});
