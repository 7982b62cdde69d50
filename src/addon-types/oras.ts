/**
 * type: oras — an OCI artifact holding a kustomization or a helmfile, pulled
 * with the oras CLI and rendered by its delegate (kustomize or helmfile),
 * as the Go tool does, with its cache (render/artifact-cache.ts): a tag
 * pulled once is reused without asking the registry until --no-cache, and
 * --offline never asks. Each digest is pulled once. An artifact is
 * either a folder pushed by `oras push` (oras unpacks it) or one tar(.gz)
 * layer, unpacked here with node-tar, which refuses absolute paths,
 * traversal and links out of the folder.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import * as path from "node:path";
import { z } from "zod";
import { ArgumentSchema } from "../config/schema";
import { ArchiveError, unpackTarball } from "../render/archive";
import { addonType, type WithBlock } from "./contract";
import { RenderError } from "../errors/render";
import { HelmfileSchema, renderHelmfile } from "./helmfile";
import { KustomizeSchema, renderKustomize } from "./kustomize";
import type { K8sObject } from "../kube/objects";
import { commandLine, runTool } from "../render/run";
import { rememberSecret } from "../process/scrub";
import { HINT_FILE, hintFileFor, loadHint } from "../config/hints";
import { formatProblem, type ConfigProblem } from "../config/errors";
import {
  DIGEST,
  artifactCacheDir,
  blobDir,
  cacheMode,
  cachedDigest,
  rememberDigest,
} from "../render/artifact-cache";

const OrasSchema = z.strictObject({
  /** host/repo:tag or host/repo@sha256:... */
  reference: ArgumentSchema,
  /** A folder inside the artifact. */
  target: z.string().optional(),
  plainHTTP: z.boolean().optional(),
  insecureSkipVerify: z.boolean().optional(),
  auth: z
    .strictObject({ username: z.string().optional(), password: z.string().optional() })
    .nullable()
    .optional(),
  delegate: z.strictObject({
    type: z.enum(["helmfile", "kustomize"]),
    helmfile: HelmfileSchema.optional(),
    kustomize: KustomizeSchema.optional(),
  }),
});

type Oras = z.infer<typeof OrasSchema>;
type OrasAddon = WithBlock<"oras", Oras>;

/** The registry flags; a password goes on stdin (--password-stdin), never on the command line. */
function transport(o: Oras): { args: string[]; input?: string } {
  const args: string[] = [];
  if (o.plainHTTP) args.push("--plain-http");
  if (o.insecureSkipVerify) args.push("--insecure");
  if (!o.auth?.username && !o.auth?.password) return { args };
  args.push("--username", o.auth.username ?? "", "--password-stdin");
  rememberSecret(o.auth.password ?? "");
  return { args, input: o.auth.password ?? "" };
}

/** `oras <command> [flags] -- <reference>`: after `--`, a reference is never read as a flag. */
async function runOras(
  a: OrasAddon,
  call: { command: string; flags?: string[]; reference: string },
  what: string,
): Promise<string> {
  const o = a.oras as Oras;
  try {
    const t = transport(o);
    return await runTool({
      addon: a.name,
      command: "oras",
      args: [call.command, ...(call.flags ?? []), ...t.args, "--", call.reference],
      ...(t.input !== undefined ? { input: t.input } : {}),
      cwd: a.baseDir,
      fix: "",
    });
  } catch (err) {
    if (!(err instanceof RenderError) || err.fix !== "") throw err;
    const missing = /not found|NAME_UNKNOWN|MANIFEST_UNKNOWN/i.test(err.stderr);
    throw new RenderError(
      a.name,
      err.command,
      `${what} ${o.reference}: ${err.stderr}`,
      missing
        ? `no artifact or tag ${o.reference} in the registry: check oras.reference (push it with oras push, or fix the tag)`
        : "check oras.reference, the registry's address and oras.plainHTTP / insecureSkipVerify / auth",
    );
  }
}

/** The digest a reference names: its own, the cache's (unless --no-cache), else the registry's. */
async function digestOf(a: OrasAddon): Promise<string> {
  const o = a.oras as Oras;
  const pinned = /@(sha\d+:[0-9a-f]+)$/.exec(o.reference)?.[1];
  if (pinned && (cacheMode() !== "offline" || existsSync(blobDir(pinned)))) return pinned;
  const cached = cacheMode() === "refresh" ? undefined : await cachedDigest(o.reference);
  if (cached) return cached;
  if (cacheMode() === "offline")
    throw new RenderError(
      a.name,
      `oras ${o.reference}`,
      `--offline: ${o.reference} is not in the artifact cache (${artifactCacheDir()})`,
      "render once without --offline where the registry answers, to fill the cache",
    );
  const digest = (await runOras(a, { command: "resolve", reference: o.reference }, "cannot resolve")).trim();
  // The digest names the cache folder: anything but a digest would name the wrong one.
  if (!DIGEST.test(digest))
    throw new RenderError(
      a.name,
      commandLine("oras", ["resolve", "--", o.reference]),
      `oras resolve answered ${JSON.stringify(digest.slice(0, 80))}, not a digest`,
      "check that the oras on PATH is the oras CLI (tazuna doctor shows its version)",
    );
  return digest;
}

async function pull(a: OrasAddon): Promise<string> {
  const o = a.oras as Oras;
  const digest = await digestOf(a);
  const dir = blobDir(digest);
  if (existsSync(dir)) {
    await rememberDigest(o.reference, digest);
    return dir;
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const repo = o.reference.replace(/[:@][^/]*$/, "");
  try {
    await runOras(
      a,
      { command: "pull", flags: [`--output=${tmp}`], reference: `${repo}@${digest}` },
      "cannot pull",
    );
    await unpackTarball(tmp, `${repo}@${digest}`);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (!(err instanceof ArchiveError)) throw err;
    throw new RenderError(
      a.name,
      `oras pull ${repo}@${digest}`,
      err.message,
      "fix the artifact: only files and folders, within the limits",
    );
  }
  await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
    // Another run pulled the same digest first: theirs is as good as ours.
    if (err.code !== "ENOTEMPTY" && err.code !== "EEXIST") throw err;
    await rm(tmp, { recursive: true, force: true });
  });
  await rememberDigest(o.reference, digest);
  return dir;
}

async function renderOras(a: OrasAddon): Promise<K8sObject[]> {
  const o = a.oras as Oras;
  const root = await pull(a);
  const dir = path.join(root, (o.target ?? "").replace(/^\/+/, ""));
  if (!path.resolve(dir).startsWith(path.resolve(root)))
    throw new RenderError(
      a.name,
      "oras.target",
      `${o.target ?? ""} leaves the artifact`,
      "name a folder inside the artifact",
    );
  if (!existsSync(dir))
    throw new RenderError(
      a.name,
      "oras.target",
      `${o.reference} has no ${o.target ?? "/"}`,
      "fix oras.target",
    );
  const hintFile = o.delegate.type === "helmfile" ? hintFileFor(dir) : undefined;
  const problems: ConfigProblem[] = [];
  const hint = hintFile ? await loadHint(hintFile, problems) : undefined;
  if (problems.length > 0)
    throw new RenderError(
      a.name,
      `${o.reference} ${HINT_FILE}`,
      problems.map(formatProblem).join("\n"),
      "fix the hint file in the artifact",
    );
  const delegate = {
    ...a,
    type: o.delegate.type,
    dir,
    baseDir: dir,
    ...(o.delegate.kustomize ? { kustomize: o.delegate.kustomize } : {}),
    ...(o.delegate.helmfile ? { helmfile: o.delegate.helmfile } : {}),
    ...(hint && hintFile ? { hint: { file: hintFile, hint } } : {}),
  };
  return o.delegate.type === "kustomize"
    ? renderKustomize(delegate)
    : renderHelmfile(delegate, { fromArtifact: true });
}

const REFERENCE = /^[^/]+\/.+(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/;

export const oras = addonType({
  name: "oras",
  field: "oras",
  block: OrasSchema,
  pathIgnored: true,
  check: (e) => {
    if (!e.block) {
      e.problem(
        [],
        `add-on "${e.name}" is type oras but has no oras block`,
        "add oras: { reference: registry/repo:tag, delegate: { type: kustomize } }",
      );
      return undefined;
    }
    if (!REFERENCE.test(e.block.reference))
      e.problem(
        ["oras", "reference"],
        `"${e.block.reference}" has no tag or digest`,
        "write host/repo:tag or host/repo@sha256:<digest>",
      );
    const target = e.block.target;
    if (target !== undefined && path.posix.normalize(target.replace(/^\/+/, "")).startsWith(".."))
      e.problem(["oras", "target"], "leaves the artifact's root", "name a folder inside the artifact");
    return undefined;
  },
  // Its delegate renders what it pulls.
  tools: ["oras", "kustomize", "helmfile", "helm"],
  render: renderOras,
});
