/**
 * Which kubeconfig and context a run uses, the way kubectl picks them: an
 * explicit file, else every file listed in $KUBECONFIG merged (the first file
 * to set a value wins), else ~/.kube/config.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import type { KubeConfig } from "@kubernetes/client-node";
import { execa } from "../process/exec";
import { GuardError } from "../errors/guard";
import type { StackSettings } from "../config/settings";

export function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? path.join(homedir(), p.slice(1)) : p;
}

/** The files kubectl would read, in its order of precedence. */
export function kubeconfigFiles(env = process.env): string[] {
  const listed = (env.KUBECONFIG ?? "").split(path.delimiter).filter(Boolean);
  return listed.length > 0 ? listed : [path.join(homedir(), ".kube", "config")];
}

/**
 * The kubeconfig to hand to kubectl, the provider and the guard: the stack's
 * setting, else the one file kubectl would read. When $KUBECONFIG lists
 * several files it is "" (no --kubeconfig): every tool then merges the list
 * itself, exactly as kubectl does, instead of Tazuna writing a merged copy of
 * credentials somewhere.
 */
export function kubeconfigPath(s: Pick<StackSettings, "kubeconfig">, projectDir: string): string {
  if (s.kubeconfig) return path.resolve(projectDir, expandHome(s.kubeconfig));
  const files = kubeconfigFiles();
  return files.length === 1 ? (files[0] as string) : "";
}

/**
 * The files of a $KUBECONFIG list merged exactly as kubectl merges them, by
 * kubectl itself (certificate files inlined): for the clients that take one
 * kubeconfig, the provider and the guard's API client.
 */
export async function mergedKubeconfig(): Promise<string> {
  const res = await execa("kubectl", ["config", "view", "--flatten", "--raw", "-o", "json"], {
    reject: false,
    timeout: 30_000,
  });
  if (res.exitCode !== 0)
    throw new Error(
      `kubectl config view could not merge KUBECONFIG=${process.env.KUBECONFIG ?? ""}: ${res.stderr}`,
    );
  return res.stdout;
}

const CurrentContextSchema = z.object({ "current-context": z.string().optional() }).loose();

/** current-context as kubectl resolves it: from the first file of the list that sets it. */
export function currentContext(files: string[]): string | undefined {
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue; // kubectl skips listed files that do not exist
    }
    const doc = CurrentContextSchema.safeParse(parse(text) ?? {});
    const ctx = doc.success ? doc.data["current-context"] : undefined;
    if (ctx) return ctx;
  }
  return undefined;
}

/** A Pulumi stack name for a context: Pulumi allows letters, digits, "-", "_" and "." only. */
export function stackNameOf(context: string): string {
  return context.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "") || "default";
}

const KubeconfigSchema = z
  .object({ contexts: z.array(z.object({ name: z.string() }).loose()).nullish() })
  .loose();

/** What is wrong with the kubeconfig a run would use, before any tool reads it; undefined when fine. */
export type KubeconfigProblem =
  | { kind: "missing"; files: string[] }
  | { kind: "unreadable"; file: string; reason: string }
  | { kind: "no such context"; files: string[]; context: string; known: string[] };

/** Reads the files as kubectl would (missing ones of a list skipped) and looks for the context. */
export function kubeconfigProblem(files: string[], context?: string): KubeconfigProblem | undefined {
  const known: string[] = [];
  let found = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") continue;
      return { kind: "unreadable", file, reason: code ?? String(err) };
    }
    found++;
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (err) {
      return { kind: "unreadable", file, reason: `not valid YAML: ${(err as Error).message.split("\n")[0]}` };
    }
    const res = KubeconfigSchema.safeParse(doc ?? {});
    if (!res.success)
      return { kind: "unreadable", file, reason: "not a kubeconfig (contexts is not a list)" };
    known.push(...(res.data.contexts ?? []).map((c) => c.name));
  }
  if (found === 0) return { kind: "missing", files };
  if (context !== undefined && !known.includes(context))
    return { kind: "no such context", files, context, known };
  return undefined;
}

/** The kubeconfig at a path, or ("") the $KUBECONFIG list as kubectl merges it. */
export async function loadKubeconfig(kubeconfig: string, context: string): Promise<KubeConfig> {
  // The client loads only when a cluster is asked: `--help` and `check` never need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const client = require("@kubernetes/client-node") as typeof import("@kubernetes/client-node");
  const kc = new client.KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else kc.loadFromString(await mergedKubeconfig());
  if (!kc.getContextObject(context)) {
    throw new GuardError(
      `kubeconfig ${kubeconfig || `KUBECONFIG=${process.env.KUBECONFIG ?? ""}`} has no context "${context}" (it has: ${
        kc
          .getContexts()
          .map((c) => c.name)
          .join(", ") || "none"
      })`,
      "fix tazuna:context in the stack file, or tazuna:kubeconfig / KUBECONFIG",
    );
  }
  kc.setCurrentContext(context);
  return kc;
}
