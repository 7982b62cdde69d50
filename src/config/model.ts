/** The declaration after loading: add-ons with resolved paths, ready for graph and render. */
import type { ReadyWhen } from "./readiness";
import type { AddonType, IgnoreField, ManifestEntry, Provider, Wait } from "./schema";
import type { GenesisSecret } from "./genesis-secret";
import type { Hint } from "./hints";

export interface Origin {
  file: string;
  field: string;
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

export interface Addon {
  name: string;
  description?: string;
  type: AddonType;
  /** `path` resolved against the folder of the root tazuna.yaml (as the Go tool does, included files too). */
  dir?: string;
  /** The root tazuna.yaml's folder; relative paths in type blocks resolve here. */
  baseDir: string;
  tags: string[];
  dependsOn: string[];
  namespace?: string;
  timeoutSeconds: number;
  readiness: { skip: boolean; waitFor: Wait[] };
  kustomize?: ManifestEntry["kustomize"];
  helmfile?: ManifestEntry["helmfile"];
  helm?: ManifestEntry["helm"];
  manifests?: ManifestEntry["manifests"];
  plugin?: ManifestEntry["plugin"];
  oras?: ManifestEntry["oras"];
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
