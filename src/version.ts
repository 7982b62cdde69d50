/** Tazuna's own version, from package.json, with nothing else loaded (so `--version` starts fast). */
import { readFileSync } from "node:fs";
import * as path from "node:path";

// src/version.ts and dist/version.js both sit one folder below package.json.
const pkg = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as {
  version: string;
};

export const TAZUNA_VERSION: string = pkg.version;
