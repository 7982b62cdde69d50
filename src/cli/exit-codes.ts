/** Exit codes of the tazuna command; the README's table is written from this. */
export const EXIT = {
  ok: 0,
  /** Any failure: invalid declaration, render or engine error. */
  error: 1,
  /** plan: changes pending; state drift: drift found. */
  changes: 2,
  /** The guard refused the cluster (context or identity). */
  guard: 3,
  /** Another run holds the stack's lock. */
  locked: 4,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;
