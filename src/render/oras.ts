/**
 * type: oras — an OCI artifact holding a kustomization or a helmfile, pulled
 * with the oras CLI and rendered by its delegate (kustomize or helmfile),
 * as the Go tool does. The tag is resolved to a digest on every run, so a
 * moved tag is noticed (the Go tool trusts its cached tag until --no-cache);
 * each digest is pulled once into ~/.cache/tazuna/oras. An artifact is
 * either a folder pushed by `oras push` (oras unpacks it) or one tar(.gz)
 * layer, unpacked here with node-tar, which refuses absolute paths,
 * traversal and links out of the folder.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import * as path from "node:path";
import { extract } from "tar";
import type { Addon } from "../config/model";
import { RenderError } from "./errors";
import { renderHelmfile } from "./helmfile";
import { renderKustomize } from "./kustomize";
import type { K8sObject } from "./objects";
import { runTool } from "./run";
import { rememberSecret } from "../secrets/scrub";
import { HINT_FILE, hintFileFor, loadHint } from "../config/hints";
import { formatProblem, type ConfigProblem } from "../config/errors";

type Oras = NonNullable<Addon["oras"]>;

export function orasCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache"), "tazuna", "oras");
}

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

async function oras(a: Addon, args: string[], what: string): Promise<string> {
  const o = a.oras as Oras;
  try {
    const t = transport(o);
    return await runTool({
      addon: a.name,
      command: "oras",
      args: [...args, ...t.args],
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

/** Unpacks a one-file tarball artifact in place; a folder pushed by oras is already unpacked. */
async function unpackTarball(dir: string): Promise<void> {
  const files = await readdir(dir);
  const only = files.length === 1 ? files[0] : undefined;
  if (!only || !/\.(tar|tgz|tar\.gz)$/.test(only)) return;
  const tarball = path.join(dir, only);
  let entries = 0;
  await extract({
    file: tarball,
    cwd: dir,
    strict: true,
    // Only files and folders, at most 10,000 of them, as the Go tool allows.
    filter: (_p, e) => {
      entries++;
      const type = "type" in e ? e.type : "File";
      return entries <= 10_000 && (type === "File" || type === "Directory" || type === "OldFile");
    },
  });
  await rm(tarball);
}

async function pull(a: Addon): Promise<string> {
  const o = a.oras as Oras;
  const digest = (await oras(a, ["resolve", o.reference], "cannot resolve")).trim();
  const dir = path.join(orasCacheDir(), "blobs", digest.replace(":", "-"));
  if (existsSync(dir)) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const repo = o.reference.replace(/[:@][^/]*$/, "");
  await oras(a, ["pull", `${repo}@${digest}`, "--output", tmp], "cannot pull");
  await unpackTarball(tmp);
  await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
    // Another run pulled the same digest first: theirs is as good as ours.
    if (err.code !== "ENOTEMPTY" && err.code !== "EEXIST") throw err;
    await rm(tmp, { recursive: true, force: true });
  });
  return dir;
}

export async function renderOras(a: Addon): Promise<K8sObject[]> {
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
  const delegate: Addon = {
    ...a,
    type: o.delegate.type,
    dir,
    baseDir: dir,
    ...(o.delegate.kustomize ? { kustomize: o.delegate.kustomize } : {}),
    ...(o.delegate.helmfile ? { helmfile: o.delegate.helmfile } : {}),
    ...(hint && hintFile ? { hint: { file: hintFile, hint } } : {}),
  };
  return o.delegate.type === "kustomize" ? renderKustomize(delegate) : renderHelmfile(delegate);
}
