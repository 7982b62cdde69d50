/**
 * Runs a command from a second network namespace with only loopback up, as a
 * second CI runner would: it reaches the test's services (a control plane, an
 * object store) through a Unix socket per port, never through an address.
 * The test's side serves each socket (here); loopback-bridge.ts, inside the
 * new namespace, listens on the same loopback ports and forwards to them.
 */
import { mkdtemp } from "node:fs/promises";
import { createConnection, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa, type Options, type ResultPromise } from "execa";
import { pipeBoth } from "./pipe";

/** Unix sockets <dir>/<port>.sock leading to 127.0.0.1:<port> of this namespace. */
export async function serveSockets(ports: number[]): Promise<{ dir: string; close: () => void }> {
  const dir = await mkdtemp(path.join(tmpdir(), "tazuna-bridge-"));
  const servers: Server[] = await Promise.all(
    ports.map(
      (port) =>
        new Promise<Server>((resolve) => {
          const srv = createServer((u) => pipeBoth(u, createConnection({ port, host: "127.0.0.1" })));
          srv.listen(path.join(dir, `${port}.sock`), () => resolve(srv));
        }),
    ),
  );
  return { dir, close: () => servers.forEach((s) => s.close()) };
}

const TS_NODE = require.resolve("ts-node/register/transpile-only");
const BRIDGE = path.join(__dirname, "loopback-bridge.ts");

/** `cmd args` in a new network namespace that sees these loopback ports of ours. */
export function inOtherNetns(
  sockets: { dir: string },
  ports: number[],
  cmd: string,
  args: string[],
  opts: Options = {},
): ResultPromise<Options> {
  return execa(
    "unshare",
    [
      "--net",
      "sh",
      "-c",
      'ip link set lo up && exec "$@"',
      "sh",
      process.execPath,
      "-r",
      TS_NODE,
      BRIDGE,
      sockets.dir,
      ports.join(",") || "none",
      cmd,
      ...args,
    ],
    { reject: false, stdin: "ignore", ...opts },
  );
}
