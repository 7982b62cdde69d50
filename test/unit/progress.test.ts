/** The apply view follows engine events: ready only once the add-on's gates have passed. */
import { strict as assert } from "node:assert";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { ApplyProgress } from "../../src/cli/progress";

const urn = (typePath: string, name: string) => `urn:pulumi:local::tazuna::${typePath}::${name}`;
const ADDON = "tazuna:index:Addon";
const GATE = `${ADDON}$pulumi-nodejs:tazuna:WaitUntil`;

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
  it("pending → applying → waiting for readiness → ready, only after every gate", () => {
    const lines = captured(() => {
      const p = new ApplyProgress(["cni", "argocd"], false);
      p.onEvent(pre(ADDON, urn(ADDON, "cni"), "same"));
      p.onEvent(pre("pulumi-nodejs:tazuna:WaitUntil", urn(GATE, "cni:ready:a")));
      p.onEvent(out(ADDON, urn(ADDON, "cni"), { gates: 2 }));
      p.onEvent(out("pulumi-nodejs:tazuna:WaitUntil", urn(GATE, "cni:ready:a")));
      p.onEvent(pre(ADDON, urn(ADDON, "cni"), "same")); // a re-sent event never goes back
      p.onEvent(out("pulumi-nodejs:tazuna:WaitUntil", urn(GATE, "cni:ready:b")));
    });
    assert.deepEqual(
      lines.filter((l) => l.startsWith("cni: ") && !l.includes("create")),
      ["cni: applying", "cni: waiting for readiness", "cni: ready"],
    );
    assert.ok(!lines.some((l) => l.startsWith("argocd")), "argocd never started");
  });

  it("an add-on without gates is ready once its objects are; an error marks it failed", () => {
    const lines = captured(() => {
      const p = new ApplyProgress(["cm", "bad"], false);
      p.onEvent(pre(ADDON, urn(ADDON, "cm")));
      p.onEvent(out(ADDON, urn(ADDON, "cm"), { gates: 0 }));
      p.onEvent(pre(ADDON, urn(ADDON, "bad")));
      p.onEvent({
        sequence: 0,
        timestamp: 0,
        diagnosticEvent: {
          urn: urn(`${ADDON}$kubernetes:apps/v1:Deployment`, "bad:x"),
          message: "boom",
          color: "",
          severity: "error",
        },
      } as EngineEvent);
    });
    assert.deepEqual(lines, ["cm: applying", "cm: ready", "bad: applying", "bad: failed"]);
  });
});
