/** The Go tool's artifact-cache flags, shared by build, plan, apply and destroy (render/artifact-cache.ts). */
export interface CacheFlags {
  /** false with --no-cache. */
  cache?: boolean;
  offline?: boolean;
}

export const NO_CACHE_OPTION = [
  "--no-cache",
  "resolve every oras artifact and oci:// chart tag in the registry again, instead of reusing the cached one",
] as const;

export const OFFLINE_OPTION = [
  "--offline",
  "never ask a registry: render oras artifacts and oci:// charts from the cache, failing on a miss",
] as const;
