/** spec.minimumSupportedTazunaVersion: the oldest Tazuna that may apply the file. */
import semver from "semver";
import type { ConfigProblem } from "../config/errors";
import { problemAt, type ParsedFile } from "../config/parse";
import { TAZUNA_VERSION } from "../process/version";

export function versionProblems(parsed: ParsedFile, min: string | undefined): ConfigProblem[] {
  if (!min) return [];
  const at = ["spec", "minimumSupportedTazunaVersion"];
  const version = min.replace(/^v/, "");
  if (!semver.valid(version))
    return [problemAt(parsed, at, `"${min}" is not a semantic version`, 'write a version like "0.1.0"')];
  if (semver.lt(TAZUNA_VERSION, version))
    return [
      problemAt(
        parsed,
        at,
        `this file needs Tazuna ${min} or newer; this is ${TAZUNA_VERSION}`,
        "upgrade Tazuna",
      ),
    ];
  return [];
}
