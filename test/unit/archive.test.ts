/**
 * oras artifacts as tarballs: code from a registry. Each kind of bad entry
 * refuses the whole artifact and leaves nothing; modes are reduced to
 * 0644/0755. Tarballs are written header by header (node-tar's Header), so
 * each test holds exactly the entry it is about.
 */
import { strict as assert } from "node:assert";
import { mkdtemp, readdir, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Header } from "tar";
import { ArchiveError, unpackTarball } from "../../src/render/archive";

interface Entry {
  path: string;
  type?: "File" | "Directory" | "SymbolicLink" | "Link" | "CharacterDevice" | "FIFO";
  mode?: number;
  body?: string;
  linkpath?: string;
  uid?: number;
}

function tarball(entries: Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? "");
    const h = new Header({
      path: e.path,
      type: e.type ?? "File",
      mode: e.mode ?? 0o644,
      size: e.type && e.type !== "File" ? 0 : body.length,
      mtime: new Date(0),
      uid: e.uid ?? 1000,
      gid: e.uid ?? 1000,
      ...(e.linkpath ? { linkpath: e.linkpath } : {}),
    });
    const head = Buffer.alloc(512);
    h.encode(head);
    blocks.push(head);
    if (body.length > 0) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

async function unpack(entries: Entry[], limits = { entries: 10, bytes: 1024 }) {
  const dir = await mkdtemp(path.join(tmpdir(), "tazuna-archive-"));
  await writeFile(path.join(dir, "artifact.tar"), tarball(entries));
  const err = await unpackTarball(dir, "registry.test/app@sha256:abc", limits).catch((e: unknown) => e);
  return { dir, err };
}

const list = async (dir: string) => (await readdir(dir, { recursive: true })).map(String).sort();

describe("unpacking an artifact", () => {
  it("unpacks files and folders with modes reduced to 0644/0755 and no owner kept (the control)", async () => {
    const { dir, err } = await unpack([
      { path: "k/", type: "Directory", mode: 0o777 },
      { path: "k/kustomization.yaml", body: "resources: [cm.yaml]\n", mode: 0o666 },
      { path: "k/run.sh", body: "#!/bin/sh\n", mode: 0o6755, uid: 0 },
    ]);
    assert.equal(err, undefined, String(err));
    assert.deepEqual(await list(dir), ["k", "k/kustomization.yaml", "k/run.sh"]);
    assert.equal((await stat(path.join(dir, "k"))).mode & 0o7777, 0o755);
    assert.equal((await stat(path.join(dir, "k/kustomization.yaml"))).mode & 0o7777, 0o644);
    const script = await stat(path.join(dir, "k/run.sh"));
    assert.equal(script.mode & 0o7777, 0o755, "setuid and setgid dropped");
    assert.equal(script.uid, process.getuid?.(), "owned by us, not by the archive's uid 0");
  });

  const bad: [string, Entry[], RegExp][] = [
    ["an absolute path", [{ path: "/etc/evil", body: "x" }], /evil|absolute|path/i],
    ["a path with ..", [{ path: "../evil", body: "x" }], /\.\.|path/i],
    [
      "a symbolic link",
      [{ path: "link", type: "SymbolicLink", linkpath: "/etc/passwd" }],
      /link is a SymbolicLink/,
    ],
    ["a hard link", [{ path: "hard", type: "Link", linkpath: "k" }], /hard is a Link/],
    ["a device", [{ path: "dev", type: "CharacterDevice" }], /dev is a CharacterDevice/],
    ["a FIFO", [{ path: "fifo", type: "FIFO" }], /fifo is a FIFO/],
    [
      "too many entries",
      Array.from({ length: 11 }, (_, i) => ({ path: `f${i}`, body: "x" })),
      /more than 10 entries/,
    ],
    ["too many bytes", [{ path: "big", body: "x".repeat(2048) }], /more than 1024 bytes/],
  ];
  for (const [what, entries, why] of bad)
    it(`refuses ${what}, naming the artifact, writing none of the bad entries`, async () => {
      const { dir, err } = await unpack([{ path: "ok.yaml", body: "a: 1\n" }, ...entries]);
      assert.ok(err instanceof ArchiveError, `expected a refusal, got ${String(err)}`);
      assert.match(err.message, /registry\.test\/app@sha256:abc/);
      assert.match(err.message, why);
      const left = (await list(dir)).filter((f) => f !== "artifact.tar");
      assert.ok(!left.includes("evil") && !left.includes("link") && !left.includes("dev"), left.join(","));
    });
});
