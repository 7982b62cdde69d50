/** The declaration after loading: add-ons with resolved paths, ready for graph and render. */
import type { AddonType, ManifestEntry, Test, Wait } from "./schema";

export interface Origin {
  file: string;
  field: string;
  line?: number;
  /** Lines of the dependsOn entries, for problems found by the graph checks. */
  dependsOnLines: (number | undefined)[];
}

export interface Addon {
  name: string;
  description?: string;
  type: AddonType;
  /** `path` resolved against the folder of the file that declares the add-on. */
  dir?: string;
  /** The folder of the declaring file; relative paths in type blocks resolve here. */
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
  tests: Test[];
  origin: Origin;
}

export interface Declaration {
  file: string;
  addons: Addon[];
  contextMatches: string[];
  matchMode: "or" | "and";
  tests: Test[];
}
