/**
 * One tazuna.yaml file as read: templated (.Environment), parsed with line
 * numbers, `${vars}` expanded, and its top-level fields each checked on
 * their own, so a broken field hides no other problem.
 */
import { z } from "zod";
import type { ConfigProblem } from "../config/errors";
import { keysAt, zodProblems } from "../config/issues";
import { parseYamlFile, problemAt, type ParsedFile } from "../config/parse";
import { TazunaFileSchema } from "../config/schema";
import { renderTemplate, TemplateError } from "../config/template";
import { expandVariables, type Variables } from "../config/variables";

export type Spec = z.infer<typeof TazunaFileSchema>["spec"];

export interface Loaded {
  parsed: ParsedFile;
  /** The top-level fields that are valid on their own. */
  spec: Partial<Spec>;
  /** spec.manifests as written, each still to check. */
  entries: unknown[];
}

export interface ReadOptions {
  variables: Variables;
  environment: string;
}

const SPEC_FIELDS = TazunaFileSchema.shape.spec.shape;

async function templated(file: string, text: string, environment: string, problems: ConfigProblem[]) {
  try {
    return await renderTemplate(file, text, environment);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const line = Number(/:(\d+)(?::\d+)?: /.exec(err.detail)?.[1]) || undefined;
    problems.push(
      problemAt(
        { file, line },
        [],
        `template error: ${err.detail}`,
        'tazuna.yaml is a Go template whose only field is .Environment; write {{"{{"}} for a literal {{',
      ),
    );
    return undefined;
  }
}

export async function loadFile(file: string, opts: ReadOptions, problems: ConfigProblem[]) {
  const parsed = await parseYamlFile(file, problems, (text) =>
    templated(file, text, opts.environment, problems),
  );
  if (!parsed) return undefined;
  problems.push(...variablesInGuard(parsed));
  const data = expandVariables(parsed.data, opts.variables, file, [], problems);
  const res = TazunaFileSchema.safeParse(data);
  if (!res.success) {
    problems.push(...zodProblems(parsed, res.error.issues, (p) => keysAt(TazunaFileSchema, p)));
  }
  const raw = (data as { spec?: Record<string, unknown> } | null)?.spec ?? {};
  const spec = Object.fromEntries(
    Object.entries(SPEC_FIELDS).flatMap(([k, schema]) => {
      const r = schema.safeParse(raw[k]);
      return r.success && r.data !== undefined ? [[k, r.data]] : [];
    }),
  ) as Partial<Spec>;
  const entries = Array.isArray(raw.manifests) ? (raw.manifests as unknown[]) : [];
  return { parsed, spec, entries } satisfies Loaded;
}

/**
 * The guard's patterns are written literally: a ${vars.x} there could be
 * set from the environment to ".*" and let every context through.
 */
function variablesInGuard(parsed: ParsedFile): ConfigProblem[] {
  const spec = (parsed.data as { spec?: Record<string, unknown> } | null)?.spec ?? {};
  const lists: [PropertyKey[], unknown][] = [[["spec", "context_matches"], spec.context_matches]];
  const envs = spec.environments;
  if (envs && typeof envs === "object")
    for (const [name, env] of Object.entries(envs))
      lists.push([
        ["spec", "environments", name, "context_matches"],
        (env as { context_matches?: unknown } | null)?.context_matches,
      ]);
  return lists.flatMap(([at, list]) =>
    (Array.isArray(list) ? list : []).flatMap((p: unknown, i) =>
      typeof p === "string" && /(^|[^$])\$\{/.test(p)
        ? [
            problemAt(
              parsed,
              [...at, i],
              "a variable in context_matches: a value from outside the file could widen the guard",
              "write the pattern literally (one stack file per cluster holds what differs)",
            ),
          ]
        : [],
    ),
  );
}
