/** The declaration after loading: add-ons with resolved paths, ready for graph and render. */
import type { Addon } from "../addon-types";
import type { Check } from "../config/model";
import type { Provider } from "../config/schema";

export type { Addon };

export interface Declaration {
  file: string;
  /** The environment the file was read for (-e / tazuna:environment), "" for none. */
  environment: string;
  addons: Addon[];
  /** The guard in force: the root's patterns, or the chosen environment's. */
  contextMatches: string[];
  matchMode: "or" | "and";
  /** Where those patterns are written, for messages. */
  guardField: string;
  /** spec.context_matches, which a chosen environment's patterns replace. */
  rootContextMatches: string[];
  providers: Provider[];
  tests: Check[];
}
