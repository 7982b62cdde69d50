/**
 * What an add-on type is: the block of tazuna.yaml it reads, what the loader
 * checks beyond that block's schema, how it renders, and the programs it
 * runs. One module per type implements it; index.ts lists them.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import type { ConfigProblem } from "../config/errors";
import type { AddonBase } from "../config/model";
import type { Provider } from "../config/schema";
import type { K8sObject } from "../kube/objects";
import type { ToolName } from "../process/tools";

/** An add-on whose block `F` holds `B`. */
export type WithBlock<F extends string, B> = AddonBase & { [K in F]?: B };

/** What a type's check sees of one entry of spec.manifests. */
export interface EntryCheck<B> {
  name: string;
  block: B | undefined;
  /** `path` as written, and where it resolved when it exists. */
  path?: string;
  dir?: string;
  /** The root tazuna.yaml's folder. */
  rootDir: string;
  providers: readonly Provider[];
  /** Reports a problem at a field of the entry (["oras", "reference"]; [] for the entry). */
  problem: (rel: PropertyKey[], message: string, fix: string) => void;
  /** Where loaders of other files (hints, GenesisSecret files) report theirs. */
  problems: ConfigProblem[];
}

/** What a check adds to the loaded add-on beside its block. */
export type Extras = Partial<Pick<AddonBase, "hint" | "genesisSecret" | "secretProviders">>;

export interface AddonType<N extends string, F extends string, B extends z.ZodType> {
  /** The value of `type:`. */
  name: N;
  /** The key of its block. */
  field: F;
  block: B;
  /** For the editor schema, when the block's own fields do not say it. */
  description?: string;
  /** false: the block only marks the type (genesissecret's content is the file at `path`). */
  keepsBlock?: boolean;
  /** `path` may be left out: the source is elsewhere (a chart, a command, an artifact) or the block names files. */
  pathOptional?: (block: z.infer<B> | undefined) => boolean;
  /** The Go tool requires an oras add-on's path and never reads it; neither does Tazuna. */
  pathIgnored?: boolean;
  /** The timeout when the add-on declares none. */
  timeoutSeconds?: (block: z.infer<B> | undefined) => number | undefined;
  /** What `check` finds beyond the schema, rather than half-way through an apply. */
  check?: (e: EntryCheck<z.infer<B>>) => Promise<Extras | undefined> | Extras | undefined;
  /** The programs it runs (doctor). */
  tools: readonly ToolName[];
  render: (a: WithBlock<F, z.infer<B>>) => Promise<K8sObject[]>;
}

/** Defines a type, keeping its literal names. */
export const addonType = <N extends string, F extends string, B extends z.ZodType>(
  t: AddonType<N, F, B>,
): AddonType<N, F, B> => t;

/** Files a block names that are not there (values files, manifest files), relative to `base`. */
export function missingFiles(
  e: Pick<EntryCheck<unknown>, "problem">,
  field: PropertyKey[],
  files: readonly string[] | undefined,
  base: string | undefined,
): void {
  (files ?? []).forEach((f, i) => {
    const full = base === undefined ? undefined : path.resolve(base, f);
    if (full === undefined || existsSync(full)) return;
    e.problem(
      [...field, i],
      `${f} does not exist (resolved to ${full})`,
      `fix the file name, or create it; ${field.map(String).join(".")} is relative to ${base}`,
    );
  });
}
