/**
 * The one way tests run the tazuna command: the built CLI in dist/, as a
 * user runs it (`npm run test:unit` and `npm test` build it first), stdin
 * closed, never rejecting: the result holds the exit code.
 */
import * as path from "node:path";
import { execa } from "execa";

export const TAZUNA_BIN = path.resolve(__dirname, "../dist/cli/bin.js");

/** The state passphrase of every test project. */
export const PASSPHRASE = "e2e-only-passphrase";

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** false: only `env`, not this process's environment. */
  extendEnv?: boolean;
  timeout?: number;
}

export function tazuna(args: readonly string[], options: RunOptions = {}) {
  return execa(TAZUNA_BIN, args, { reject: false, stdin: "ignore", ...options });
}

/**
 * `tazuna -p <dir> [--cluster <cluster>] <args>` with the passphrase, the
 * fixture's variables and each call's own. Both are read at each call, as
 * a test's folder is made in its `before`.
 */
export function tazunaIn(
  dir: () => string,
  fixture: { cluster?: string; env?: () => Record<string, string> } = {},
) {
  return (args: readonly string[], env: Record<string, string> = {}) =>
    tazuna(["-p", dir(), ...(fixture.cluster ? ["--cluster", fixture.cluster] : []), ...args], {
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, ...fixture.env?.(), ...env },
    });
}
