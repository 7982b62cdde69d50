/**
 * How renders use the artifact cache (oras artifacts, oci:// charts), as
 * the Go tool's --no-cache and --offline have it: by default a tag pulled
 * once is reused without asking the registry; `refresh` resolves every tag
 * again; `offline` never asks and fails on a miss.
 */
import { z } from "zod";

export const CacheModeSchema = z.enum(["reuse", "refresh", "offline"]);
export type CacheMode = z.infer<typeof CacheModeSchema>;

let mode: CacheMode = "reuse";

export function setCacheMode(m: CacheMode): void {
  mode = m;
}

export const cacheMode = (): CacheMode => mode;

export class CacheFlagsError extends Error {
  constructor() {
    super(
      "--no-cache and --offline contradict each other: one asks the registry again, the other never asks it\n  fix: pass one of them",
    );
    this.name = "CacheFlagsError";
  }
}

/** The mode the command line asks for; both flags at once are refused, as the Go tool refuses them. */
export function cacheModeOf(flags: { cache?: boolean; offline?: boolean }): CacheMode {
  const noCache = flags.cache === false;
  if (noCache && flags.offline) throw new CacheFlagsError();
  return noCache ? "refresh" : flags.offline ? "offline" : "reuse";
}
