/** The apply view follows engine events: ready only once the add-on's release is done. */
import { strict as assert } from "node:assert";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { ApplyProgress } from "../../src/cli/progress";

const urn = (typePath: string, name: string) => `urn:pulumi:local::tazuna::${typePath}::${name}`;
const ADDON = "tazuna:index:Addon";
const RELEASE = "pulumi-nodejs:dynamic/tazuna:Release";

const pre = (type: string, u: string, op = "create"): EngineEvent =>
  ({
    sequence: 0,
    timestamp: 0,
    resourcePreEvent: { metadata: { op, urn: u, type, provider: "" } },
  }) as EngineEvent;
const out = (type: string, u: string, outputs: Record<string, unknown> = {}, op = "create"): EngineEvent =>
  ({
    sequence: 0,
    timestamp: 0,
    resOutputsEvent: { metadata: { op, urn: u, type, provider: "", new: { outputs } } },
  }) as unknown as EngineEvent;

function captured(run: () => void): string[] {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => (lines.push(s.trim()), true)) as typeof process.stderr.write;
  try {
    run();
  } finally {
    process.stderr.write = write;
  }
  return lines.map((l) => l.replace(/^\s*[\d.]+s\s+/, ""));
}

describe("apply progress", () => {
  it("pending → applying → ready once its release is done, never back", () => {
    const lines = captured(() => {
      const p = new ApplyProgress(["cni", "argocd"], false);
      p.onEvent(pre(ADDON, urn(ADDON, "cni"), "same"));
      p.onEvent(pre(RELEASE, urn(`${ADDON}$${RELEASE}`, "cni")));
      p.onEvent(out(RELEASE, urn(`${ADDON}$${RELEASE}`, "cni")));
      p.onEvent(out(ADDON, urn(ADDON, "cni")));
      p.onEvent(pre(ADDON, urn(ADDON, "cni"), "same")); // a re-sent event never goes back
    });
    assert.deepEqual(
      lines.filter((l) => l.startsWith("cni: ") && !l.includes("create")),
      ["cni: applying", "cni: ready"],
    );
    assert.ok(!lines.some((l) => l.startsWith("argocd")), "argocd never started");
  });

  it("an error marks an add-on failed", () => {
    const lines = captured(() => {
      const p = new ApplyProgress(["cm", "bad"], false);
      p.onEvent(pre(ADDON, urn(ADDON, "cm")));
      p.onEvent(out(ADDON, urn(ADDON, "cm")));
      p.onEvent(pre(ADDON, urn(ADDON, "bad")));
      p.onEvent({
        sequence: 0,
        timestamp: 0,
        diagnosticEvent: {
          // A release's error comes with its URN and no parent: its name is the add-on's.
          urn: urn(`${ADDON}$${RELEASE}`, "bad"),
          message: "boom",
          color: "",
          severity: "error",
        },
      } as EngineEvent);
    });
    assert.deepEqual(lines, ["cm: applying", "cm: ready", "bad: applying", "bad: failed"]);
  });
});
