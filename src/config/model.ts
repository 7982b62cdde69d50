/** What a loaded add-on has in common, and a test as its gate runs it. */
import type { ReadyWhen } from "./readiness";
import type { IgnoreField, Provider, Wait } from "./schema";
import type { GenesisSecret } from "./genesis-secret";
import type { Hint } from "./hints";

export interface Origin {
  file: string;
  /** Where in the file: ["spec", "manifests", 3]. */
  path: PropertyKey[];
  line?: number;
  /** Lines of the dependsOn entries, for problems found by the graph checks. */
  dependsOnLines: (number | undefined)[];
}

/**
 * A test, in either form tazuna.yaml allows, as the readiness gate runs it:
 * tries until `successes` pass in a row, fails after `failures` in a row
 * (0: never early) or at the timeout.
 */
export interface Check {
  /** For messages and resource names. */
  name: string;
  apiVersion?: string;
  kind: string;
  objectName: string;
  namespace?: string;
  ready: ReadyWhen;
  successes: number;
  failures: number;
  intervalSeconds: number;
  timeoutSeconds: number;
}

/**
 * What every loaded add-on has, whatever its type; an add-on of a given
 * type adds its block (addon-types/: `Addon`).
 */
export interface AddonBase {
  name: string;
  description?: string;
  type: string;
  /** `path` resolved against the folder of the root tazuna.yaml (as the Go tool does, included files too). */
  dir?: string;
  /** The root tazuna.yaml's folder; relative paths in type blocks resolve here. */
  baseDir: string;
  tags: string[];
  dependsOn: string[];
  namespace?: string;
  timeoutSeconds: number;
  readiness: { skip: boolean; waitFor: Wait[] };
  genesisSecret?: GenesisSecret;
  /** spec.providers, where a GenesisSecret's provider is looked up at apply time. */
  secretProviders?: Provider[];
  /** The environment the declaration was read for ("" for none): helmfile's .Environment.Name, as in the Go tool. */
  environment: string;
  /** tazuna.hint.yaml of a helmfile add-on, when there is one. */
  hint?: { file: string; hint: Hint };
  tests: Check[];
  /** Delete its CRDs with it (default: kept, with their custom resources). */
  pruneCrds: boolean;
  ignoreFields: IgnoreField[];
  /** Created when missing, then left to Argo CD/Flux: never updated or deleted. */
  handOff: boolean;
  origin: Origin;
}
