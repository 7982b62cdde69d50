/**
 * Tazuna's own version, from package.json, and the commit and date the
 * build was made from (build-info.json beside it, written by
 * scripts/build-info.sh), with nothing else loaded (so `--version` starts fast).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

// src/process/version.ts and dist/process/version.js both sit two folders below package.json.
const pkg = JSON.parse(readFileSync(path.join(__dirname, "../..", "package.json"), "utf8")) as {
  version: string;
};

export const TAZUNA_VERSION: string = pkg.version;

interface BuildInfo {
  commit: string;
  date: string;
}

function buildInfo(): BuildInfo {
  try {
    const raw = JSON.parse(
      readFileSync(path.join(__dirname, "..", "build-info.json"), "utf8"),
    ) as Partial<BuildInfo>;
    return { commit: raw.commit ?? "unknown", date: raw.date ?? "unknown" };
  } catch {
    // Run from the sources (ts-node): no build made them.
    return { commit: "unknown", date: "unknown" };
  }
}

/** The Go tool's first line of `version`: `tazuna <ver> (commit …, built …, os/arch)`. */
export function versionLine(): string {
  const { commit, date } = buildInfo();
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  return `tazuna ${TAZUNA_VERSION} (commit ${commit}, built ${date}, ${process.platform}/${arch})`;
}
