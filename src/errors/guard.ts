/** The guard's refusal: the message says which check failed and how to fix it (exit 3). */
export class GuardError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(`guard: ${message}\n  fix: ${fix}`);
    this.name = "GuardError";
  }
}
