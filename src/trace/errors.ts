/** Settings for traces that cannot work: said before the run starts, with the fix. */
import { TazunaError } from "../errors/tazuna-error";
export class TraceSettingsError extends TazunaError {
  constructor(what: string, fix: string) {
    super(`${what} is not a trace endpoint setting Tazuna can use\n  fix: ${fix}`);
  }
}
