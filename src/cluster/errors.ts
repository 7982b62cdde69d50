/** The local control plane did not come up; `fix` says what to do about it. */
export class ClusterStartError extends Error {
  constructor(
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`local control plane: ${problem}\n  fix: ${fix}`);
    this.name = "ClusterStartError";
  }
}
