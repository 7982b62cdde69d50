/**
 * An add-on's release: one dynamic resource that applies all of the add-on's
 * objects by server-side apply and records their inventory (src/release/).
 * The objects reach the provider process through a 0600 file in this run's
 * scratch folder, so state keeps the inventory, never an object.
 */
import * as pulumi from "@pulumi/pulumi";
import { ByPathResource, operationsAt } from "../resources/by-path";
import { scratchDir, type Scratch } from "../process/temp";
import type { ReleaseManifest } from "../release/provider";
import type { Entry } from "../release/inventory";

export interface ReleaseArgs {
  label: string;
  kubeconfig: string;
  context: string;
  manifest: ReleaseManifest;
  timeoutSeconds: number;
  handOff?: boolean;
  /** A digest of the manifest's gates (provider.ts ReleaseInputs.readiness). */
  readiness: string;
  formerManagers?: string[];
}

let scratch: Promise<Scratch> | undefined;
/** A preview and an update in one process each write their own file. */
let written = 0;

export class Release extends ByPathResource {
  declare readonly inventory: pulumi.Output<Entry[]>;

  constructor(name: string, args: ReleaseArgs, opts?: pulumi.CustomResourceOptions) {
    const file = (async () => {
      scratch ??= scratchDir("manifests");
      return (await scratch).write(
        `${written++}-${name.replace(/[^A-Za-z0-9_.-]/g, "-")}.json`,
        JSON.stringify(args.manifest),
      );
    })();
    super(
      "Release",
      name,
      {
        label: args.label,
        kubeconfig: args.kubeconfig,
        context: args.context,
        manifest: file,
        timeoutSeconds: args.timeoutSeconds,
        ...(args.handOff ? { handOff: true } : {}),
        readiness: args.readiness,
        ...(args.formerManagers ? { formerManagers: args.formerManagers } : {}),
        inventory: undefined,
        kept: undefined,
        key: undefined,
      },
      operationsAt<typeof import("../release/provider")>(
        require.resolve("../release/provider"),
        "releaseOps",
        true,
      ),
      { ...opts, additionalSecretOutputs: ["key"] },
    );
  }
}
