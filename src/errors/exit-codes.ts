/** Exit codes of the tazuna command; the README's table is written from this. */
export const EXIT = {
  ok: 0,
  /** Any failure: invalid declaration, render or engine error. */
  error: 1,
  /** With --detailed-exitcode (Terraform's name): plan, state diff|drift, diff-clusters found changes. */
  changes: 2,
  /** The guard refused the cluster (context or identity). */
  guard: 3,
  /** Another run holds the stack's lock. */
  locked: 4,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

/** Several clusters: an interrupt wins, then any failure; otherwise changes (2) win over none (0). */
export function combinedExit(codes: number[]): number {
  if (codes.includes(EXIT.interrupted)) return EXIT.interrupted;
  if (codes.some((c) => c !== EXIT.ok && c !== EXIT.changes)) return EXIT.error;
  return codes.includes(EXIT.changes) ? EXIT.changes : EXIT.ok;
}

/**
 * What the process exits with: finding changes is a success (0), as for the
 * Go tool, `terraform plan` and `pulumi preview`, unless --detailed-exitcode
 * asked for 2 (a CI step that gates on changes).
 */
export const finalExit = (code: number, detailed: boolean | undefined): number =>
  code === EXIT.changes && !detailed ? EXIT.ok : code;
