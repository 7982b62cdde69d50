/** Settings for traces that cannot work: said before the run starts, with the fix. */
export class TraceSettingsError extends Error {
  constructor(what: string, fix: string) {
    super(`${what} is not a trace endpoint setting Tazuna can use\n  fix: ${fix}`);
    this.name = "TraceSettingsError";
  }
}
