/** Validation problems in tazuna.yaml or a stack file, each naming file, field, line and fix. */
import { TazunaError } from "../errors/tazuna-error";

export interface ConfigProblem {
  file: string;
  /** Where in the file, like spec.manifests[3].dependsOn[0]; empty for the whole file. */
  field: string;
  line?: number;
  message: string;
  fix: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = `${p.file}${p.line ? `:${p.line}` : ""}`;
  return `${where}: ${p.field ? `${p.field}: ` : ""}${p.message}\n  fix: ${p.fix}`;
}

export class ConfigError extends TazunaError {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the declaration; nothing was applied\n` +
        problems.map(formatProblem).join("\n"),
    );
  }
}

/** Renders a zod-style path ["spec","manifests",3,"name"] as spec.manifests[3].name. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((k, i) => (typeof k === "number" ? `[${k}]` : `${i === 0 ? "" : "."}${String(k)}`))
    .join("");
}
