/**
 * No value of a secret reaches a message: the scrubber, a render tool's
 * error (command line and stderr), a hint's format error, a malformed secret
 * file, and oras's password (on stdin, never in argv). Each with a sentinel.
 */
import { strict as assert } from "node:assert";
import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { applyHint, type Hint } from "../../src/config/hints";
import type { Addon } from "../../src/addon-types";
import { RenderError } from "../../src/errors/render";
import { oras } from "../../src/addon-types/oras";
import { runTool } from "../../src/render/run";
import { SCRUBBED, forgetSecrets, rememberSecret, scrub } from "../../src/process/scrub";
import { fileFields } from "../../src/secrets/sources";

const SENTINEL = "s3ntinel-Value-42";
const PEM = `-----BEGIN PRIVATE KEY-----\nMIIEv${SENTINEL}QIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n`;

describe("secrets never reach a message", () => {
  afterEach(forgetSecrets);

  it("scrub replaces a remembered value, each line of a multi-line one, and its base64", () => {
    rememberSecret(PEM);
    const text = `a: ${PEM}\nline: MIIEv${SENTINEL}QIBADANBgkqhkiG9w0BAQEFAASC\nb64: ${Buffer.from(PEM).toString("base64")}`;
    const out = scrub(text);
    assert.doesNotMatch(out, new RegExp(SENTINEL));
    assert.doesNotMatch(out, /BKcwggSjAgEAAoIBAQC7/);
    assert.match(out, new RegExp(SCRUBBED.replace(/[[\]]/g, "\\$&")));
    // The control: nothing remembered, nothing changed.
    forgetSecrets();
    assert.equal(scrub(text), text);
  });

  it("a render tool's error shows neither a secret in its command line nor in its stderr", async () => {
    rememberSecret(SENTINEL);
    const err = await runTool({
      addon: "app",
      command: "sh",
      args: ["-c", `echo "Error: repo https://user:${SENTINEL}@charts.example not reachable" >&2; exit 1`],
      cwd: tmpdir(),
      fix: "check the repo",
    }).catch((e: unknown) => e);
    assert.ok(err instanceof RenderError);
    assert.doesNotMatch(err.message, new RegExp(SENTINEL));
    assert.match(err.message, /command: sh -c .*\[secret\]/);
    assert.match(err.message, /charts\.example not reachable/, "the rest of the message stays");
  });

  it("a hint's format error names the var, never its value", () => {
    const hint: Hint = { vars: { clusterId: { type: "string", format: "uuid" } } } as Hint;
    const problems: string[] = [];
    applyHint(hint, { clusterId: { value: `HFVAR_${SENTINEL}`, static: false, secret: true } }, (n, m) =>
      problems.push(`${n}: ${m}`),
    );
    assert.equal(problems.length, 1, "the format is checked (the control)");
    assert.match(problems[0] ?? "", /clusterId: its value is not a valid uuid/);
    assert.doesNotMatch(problems[0] ?? "", new RegExp(SENTINEL));
  });

  it("a malformed secret file's error gives the line number, not the line", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "tazuna-secret-file-"));
    await writeFile(path.join(dir, "s.yaml"), `ok: fine\npassword: "${SENTINEL}\n  broken: [\n`);
    const err = await fileFields("s.yaml", dir, "test").catch((e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.match(err.message, /s\.yaml:\d+: is not valid YAML/);
    assert.doesNotMatch(err.message, new RegExp(SENTINEL));
  });

  it("oras gets its password on stdin, never in argv; a failure shows neither", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "tazuna-fake-oras-"));
    const log = path.join(dir, "log");
    // A stand-in oras: records its arguments and stdin, then fails as an unreachable registry does.
    await writeFile(
      path.join(dir, "oras"),
      `#!/bin/sh\necho "argv: $*" >> ${log}\necho "stdin: $(cat)" >> ${log}\necho "Error: failed to resolve: auth for $*" >&2\nexit 1\n`,
    );
    await chmod(path.join(dir, "oras"), 0o755);
    const saved = process.env.PATH;
    const cache = process.env.XDG_CACHE_HOME;
    process.env.PATH = `${dir}:${saved ?? ""}`;
    process.env.XDG_CACHE_HOME = dir;
    const password = `pass word ${SENTINEL}`;
    try {
      const a = {
        name: "art",
        type: "oras",
        baseDir: dir,
        oras: {
          reference: "127.0.0.1:5000/foundation:v1",
          auth: { username: "ci", password },
          delegate: { type: "kustomize" },
        },
      } as unknown as Addon;
      const err = await oras.render(a).catch((e: unknown) => e);
      assert.ok(err instanceof RenderError, String(err));
      assert.doesNotMatch(err.message, new RegExp(SENTINEL));
      const seen = await readFile(log, "utf8");
      assert.match(seen, /argv: .*--username ci --password-stdin/);
      assert.doesNotMatch(seen.split("\n").find((l) => l.startsWith("argv")) ?? "", new RegExp(SENTINEL));
      assert.match(seen, new RegExp(`stdin: ${password}`), "the password arrived, on stdin (the control)");
    } finally {
      process.env.PATH = saved;
      if (cache === undefined) Reflect.deleteProperty(process.env, "XDG_CACHE_HOME");
      else process.env.XDG_CACHE_HOME = cache;
    }
  });
});
