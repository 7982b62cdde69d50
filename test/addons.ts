/** The one way tests make a loaded add-on: a plain one's defaults, with what the test sets. */
import type { Addon } from "../src/addon-types";

export function addon(over: Partial<Addon> & Pick<Addon, "name">): Addon {
  return {
    type: "manifests",
    baseDir: "/",
    tags: [],
    dependsOn: [],
    timeoutSeconds: 60,
    readiness: { skip: false, waitFor: [] },
    environment: "",
    tests: [],
    pruneCrds: false,
    ignoreFields: [],
    handOff: false,
    origin: { file: "tazuna.yaml", path: [], dependsOnLines: [] },
    ...over,
  };
}
