/**
 * Declared tests, in either form tazuna.yaml allows (the short waitUntil,
 * the Go tool's WaitUntil/ExistNonExist plugin), as the gate runs them.
 */
import { celProblem } from "../config/cel";
import { durationSeconds } from "../config/duration";
import type { ConfigProblem } from "../config/errors";
import type { Check } from "../config/model";
import { problemAt, type ParsedFile } from "../config/parse";
import { declaredReady } from "../config/readiness";
import type { Test } from "../config/schema";

const SHORT_TEST_TIMEOUT_SECONDS = 300;

type At = (rel: PropertyKey[], message: string, fix: string) => void;

function shortForm(t: Extract<Test, { waitUntil: unknown; type?: never }>, i: number): Check {
  const w = t.waitUntil;
  return {
    name: t.name ?? String(i),
    ...(w.apiVersion ? { apiVersion: w.apiVersion } : {}),
    kind: w.kind,
    objectName: w.name,
    ...(w.namespace ? { namespace: w.namespace } : {}),
    ready: declaredReady(w),
    successes: 1,
    failures: 0,
    intervalSeconds: 1,
    timeoutSeconds: w.timeout ? durationSeconds(w.timeout) : SHORT_TEST_TIMEOUT_SECONDS,
  };
}

/** A test in either form; a missing block or a CEL problem is reported and the test left out. */
function toCheck(t: Test, i: number, at: At, defaultTimeout: number): Check | undefined {
  if (!("type" in t)) return shortForm(t, i);
  const block = t.type === "WaitUntil" ? t.waitUntil : t.existNonExist;
  const key = t.type === "WaitUntil" ? "waitUntil" : "existNonExist";
  if (!block) {
    at(
      [],
      `a ${t.type} test needs its ${key} block`,
      `add ${key}: { resource: { apiVersion, kind }, name, ... }`,
    );
    return undefined;
  }
  const why = t.type === "WaitUntil" && t.waitUntil ? celProblem(t.waitUntil.condition) : undefined;
  if (why) {
    at(
      ["waitUntil", "condition"],
      `CEL condition ${why}`,
      'write a CEL expression over `object`, e.g. object.status.phase == "Active"',
    );
    return undefined;
  }
  return {
    name: t.name ?? `${t.type}-${i}`,
    apiVersion: block.resource.apiVersion,
    kind: block.resource.kind,
    objectName: block.name,
    ...(block.namespace ? { namespace: block.namespace } : {}),
    ready:
      t.type === "WaitUntil"
        ? { type: "cel", condition: t.waitUntil?.condition ?? "" }
        : { type: t.existNonExist?.shouldExist ? "exists" : "absent" },
    successes: t.minConsecutiveSuccessCount || 1,
    failures: t.minConsecutiveFailureCount ?? 0,
    intervalSeconds: t.intervalSeconds || 2,
    // The Go tool's 0 means "wait for ever"; here a run never hangs: the add-on's timeout.
    timeoutSeconds: t.timeoutSeconds || defaultTimeout,
  };
}

/** The tests at `path` (an add-on's, or the spec's), each as its gate runs it. */
export function checksOf(
  tests: readonly Test[],
  where: { parsed: ParsedFile; path: PropertyKey[] },
  defaultTimeout: number,
  problems: ConfigProblem[],
): Check[] {
  return tests.flatMap((t, i) => {
    const at: At = (rel, message, fix) =>
      problems.push(problemAt(where.parsed, [...where.path, "tests", i, ...rel], message, fix));
    const c = toCheck(t, i, at, defaultTimeout);
    return c ? [c] : [];
  });
}
