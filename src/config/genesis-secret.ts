/**
 * The Go tool's GenesisSecret file (the file at a genesissecret add-on's
 * path): where a bootstrap Secret's values come from (`secrets`, fetched
 * from a provider), fixed values (`static`) and where they go (`outputs`).
 * Checked here offline: the shape, the provider's name, and the op:// URIs.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { type ConfigProblem } from "./errors";
import { keysAt, zodProblems } from "./issues";
import { parseYamlFile, problemAt } from "./parse";
import type { Provider } from "./schema";

const GenesisSecretSchema = z
  .object({
    apiVersion: z.string().optional(),
    kind: z.string().optional(),
    metadata: z.unknown().optional(),
    spec: z.strictObject({
      provider: z.string().optional(),
      secrets: z
        .array(
          z.strictObject({
            uri: z.string().min(1),
            preferLabel: z.boolean().optional(),
            items: z.record(z.string(), z.strictObject({ mapTo: z.string().min(1) })).optional(),
          }),
        )
        .optional(),
      static: z.record(z.string(), z.string()).optional(),
      outputs: z
        .array(
          z
            .strictObject({
              kubernetesSecret: z
                .strictObject({
                  namespace: z.string().min(1),
                  name: z.string().min(1),
                  labels: z.record(z.string(), z.string()).optional(),
                  annotations: z.record(z.string(), z.string()).optional(),
                  type: z.string().optional(),
                  context: z.string().optional(),
                })
                .optional(),
              stdout: z.strictObject({}).optional(),
            })
            .refine((o) => (o.kubernetesSecret === undefined) !== (o.stdout === undefined), {
              message: "each output needs exactly one of kubernetesSecret or stdout",
            }),
        )
        .optional(),
    }),
  })
  .loose();

export type GenesisSecret = z.infer<typeof GenesisSecretSchema>["spec"];

export const DEFAULT_OP = "default-op";
const OP_NAME = /^[\p{L}\p{N}_.\- ]+$/u;

/** Why an op:// URI is not the Go tool's op://<host>/<vault>/<item>, or undefined. */
function opUriProblem(uri: string): string | undefined {
  const m = /^op:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
  if (!m) return "must be op://<host>/<vault>/<item>";
  if (!OP_NAME.test(m[2] ?? "") || !OP_NAME.test(m[3] ?? ""))
    return "the vault and the item may hold letters, digits, spaces, _ . and - only";
  return undefined;
}

export async function loadGenesisSecret(
  file: string,
  providers: readonly Provider[],
  problems: ConfigProblem[],
  /** The root tazuna.yaml's folder, where source paths start. */
  baseDir: string,
): Promise<GenesisSecret | undefined> {
  const parsed = await parseYamlFile(file, problems);
  if (!parsed) return undefined;
  const res = GenesisSecretSchema.safeParse(parsed.data ?? {});
  if (!res.success) {
    problems.push(...zodProblems(parsed, res.error.issues, (p) => keysAt(GenesisSecretSchema, p)));
    return undefined;
  }
  const spec = res.data.spec;
  const before = problems.length;
  const at = (p: PropertyKey[], message: string, fix: string) =>
    problems.push(problemAt(parsed, p, message, fix));
  const provider = spec.provider || DEFAULT_OP;
  const declared = providers.find((p) => p.name === provider);
  if (provider !== DEFAULT_OP && !declared)
    at(
      ["spec", "provider"],
      `provider "${provider}" is not declared`,
      `declare it in spec.providers of tazuna.yaml, or leave provider empty for 1Password (${DEFAULT_OP})`,
    );
  // file and sops sources are files: found missing here, not at apply time.
  if (declared?.type === "file" || declared?.type === "sops")
    (spec.secrets ?? []).forEach((s, i) => {
      const scheme = `${declared.type}://`;
      const rel = s.uri.startsWith(scheme) ? s.uri.slice(scheme.length) : undefined;
      if (rel === undefined)
        at(
          ["spec", "secrets", i, "uri"],
          `"${s.uri}" must start with ${scheme}`,
          `write ${scheme}secrets/x.yaml`,
        );
      else if (!existsSync(path.resolve(baseDir, rel)))
        at(
          ["spec", "secrets", i, "uri"],
          `${rel} does not exist (resolved to ${path.resolve(baseDir, rel)})`,
          "create it, or fix the path (relative to the root tazuna.yaml's folder)",
        );
    });
  if (provider === DEFAULT_OP)
    (spec.secrets ?? []).forEach((s, i) => {
      const why = opUriProblem(s.uri);
      if (why)
        at(["spec", "secrets", i, "uri"], `"${s.uri}" ${why}`, "write op://my.1password.com/Vault/Item");
    });
  return problems.length > before ? undefined : spec;
}
