/**
 * An artifact's one tarball, unpacked within limits: an artifact is code
 * from a registry, so only files and folders inside the folder, with plain
 * modes, are let out (node-tar, which refuses absolute paths, traversal and
 * links out of the folder).
 */
import { readdir, rm } from "node:fs/promises";
import * as path from "node:path";
import { extract } from "tar";
import { TazunaError } from "../errors/tazuna-error";

export interface ArchiveLimits {
  /** Entries (files and folders) at most; more is an error, never a silent cut. */
  entries: number;
  /** Bytes of file content at most, all entries together. */
  bytes: number;
}

/** What the Go tool allows (10,000 entries), and 1 GiB of content. */
export const ARCHIVE_LIMITS: ArchiveLimits = { entries: 10_000, bytes: 1024 ** 3 };

export class ArchiveError extends TazunaError {
  constructor(archive: string, why: string) {
    super(`${archive}: refused, ${why}`);
  }
}

/**
 * Unpacks a one-file tarball artifact in place; a folder pushed by oras is
 * already unpacked. An artifact is code from a registry: only files and
 * folders inside the folder, modes 0644 or 0755 (no setuid, setgid or
 * sticky bit, no owner kept even as root), within the limits; anything else
 * refuses the whole artifact.
 */
export async function unpackTarball(dir: string, archive: string, limits = ARCHIVE_LIMITS): Promise<void> {
  const files = await readdir(dir);
  const only = files.length === 1 ? files[0] : undefined;
  if (!only || !/\.(tar|tgz|tar\.gz)$/.test(only)) return;
  const tarball = path.join(dir, only);
  let entries = 0;
  let bytes = 0;
  let refused: string | undefined;
  const refuse = (why: string) => {
    refused ??= why;
    return false;
  };
  await extract({
    file: tarball,
    cwd: dir,
    strict: true,
    preserveOwner: false,
    filter: (p, e) => {
      const type = "type" in e ? e.type : "File";
      if (type !== "File" && type !== "Directory" && type !== "OldFile")
        return refuse(`${p} is a ${type}, not a file or folder`);
      if (++entries > limits.entries) return refuse(`more than ${limits.entries} entries`);
      bytes += e.size ?? 0;
      if (bytes > limits.bytes) return refuse(`more than ${limits.bytes} bytes of content`);
      if ("mode" in e && typeof e.mode === "number")
        e.mode = type === "Directory" || (e.mode & 0o111) !== 0 ? 0o755 : 0o644;
      return refused === undefined;
    },
  }).catch((err: Error) => refuse(err.message));
  if (refused !== undefined) throw new ArchiveError(archive, refused);
  await rm(tarball);
}
