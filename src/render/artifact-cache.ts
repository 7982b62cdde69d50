/**
 * How renders use the artifact cache (oras artifacts, oci:// charts), as
 * the Go tool's --no-cache and --offline have it: by default a tag pulled
 * once is reused without asking the registry; `refresh` resolves every tag
 * again; `offline` never asks and fails on a miss.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { TazunaError } from "../errors/tazuna-error";

export const CacheModeSchema = z.enum(["reuse", "refresh", "offline"]);
export type CacheMode = z.infer<typeof CacheModeSchema>;

let mode: CacheMode = "reuse";

export function setCacheMode(m: CacheMode): void {
  mode = m;
}

export const cacheMode = (): CacheMode => mode;

export class CacheFlagsError extends TazunaError {
  constructor() {
    super(
      "--no-cache and --offline contradict each other: one asks the registry again, the other never asks it\n  fix: pass one of them",
    );
  }
}

/** The mode the command line asks for; both flags at once are refused, as the Go tool refuses them. */
export function cacheModeOf(flags: { cache?: boolean; offline?: boolean }): CacheMode {
  const noCache = flags.cache === false;
  if (noCache && flags.offline) throw new CacheFlagsError();
  return noCache ? "refresh" : flags.offline ? "offline" : "reuse";
}

/** `$XDG_CACHE_HOME/tazuna/oras`, else `~/.cache/tazuna/oras`: the Go tool's cache, shared with it. */
export function artifactCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache"), "tazuna", "oras");
}

/** Where a digest's unpacked content lives: `blobs/<digest, ":" as "-">`. */
export const blobDir = (digest: string): string =>
  path.join(artifactCacheDir(), "blobs", digest.replace(":", "-"));

/** `refs/<reference, "/" ":" "@" as "_">`: the digest a tag pointed at when it was pulled. */
const refFile = (reference: string): string =>
  path.join(artifactCacheDir(), "refs", reference.replace(/[/:@]/g, "_"));

/** The cached digest of a reference, when the cache has both the tag and its content. */
export async function cachedDigest(reference: string): Promise<string | undefined> {
  const digest = await readFile(refFile(reference), "utf8").then(
    (t) => t.trim(),
    () => undefined,
  );
  return digest && existsSync(blobDir(digest)) ? digest : undefined;
}

export async function rememberDigest(reference: string, digest: string): Promise<void> {
  const file = refFile(reference);
  await mkdir(path.dirname(file), { recursive: true });
  // Written whole then renamed: a reader never sees half a digest.
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, `${digest}\n`);
  await rename(tmp, file);
}

export const DIGEST = /^sha256:[0-9a-f]{64}$|^sha512:[0-9a-f]{128}$/;
