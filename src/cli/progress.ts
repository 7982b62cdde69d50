/**
 * The live view of an apply: each add-on pending, applying (its release
 * applies, waits for readiness and runs its hooks), ready or failed, with
 * elapsed time. On a terminal it redraws one
 * block in place; elsewhere (CI, pipes) it prints one line per change.
 */
import { ruleOf, type PruneRule } from "../release/prune";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { createLogUpdate } from "log-update";
import { paint, log } from "./output";
import type { Step } from "./results";
import { ADDON_TYPE } from "../resources/urns";
import { nameOf } from "../resources/urns";
import { addonOf, stepsOf } from "./steps";

type State = "pending" | "applying" | "ready" | "failed";

const LOOK: Record<State, (s: string) => string> = {
  pending: paint.dim,
  applying: paint.cyan,
  ready: paint.green,
  failed: paint.red,
};

const ORDER: State[] = ["pending", "applying", "ready"];

export class ApplyProgress {
  readonly steps: Step[] = [];
  private readonly states: Map<string, State>;
  /** When each add-on started applying, and when it ended (ready or failed). */
  private readonly started = new Map<string, number>();
  private readonly ended = new Map<string, number>();
  private readonly t0 = Date.now();
  private readonly redraw: ReturnType<typeof createLogUpdate> | undefined;

  /** Where releases leave their per-object lists during this run (withPlanFolder). */
  planFolder?: string;
  /** What a removed add-on's objects come to: deleted, or left in the cluster. */
  prune: PruneRule = ruleOf(undefined, undefined);

  // A terminal that reports no size (some CI ptys) cannot be redrawn in place.
  constructor(addons: string[], live = process.stderr.isTTY === true && (process.stderr.rows ?? 0) > 0) {
    this.states = new Map(addons.map((a) => [a, "pending"]));
    // Loaded only for a live view on a terminal: it is the heaviest module the CLI would load at start-up.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = () => (require("log-update") as typeof import("log-update")).createLogUpdate;
    this.redraw = live ? load()(process.stderr) : undefined;
  }

  private elapsed(from = this.t0, to = Date.now()): string {
    return `${((to - from) / 1000).toFixed(1)}s`;
  }

  private timeOf(addon: string): string {
    const start = this.started.get(addon);
    return start === undefined ? "" : this.elapsed(start, this.ended.get(addon));
  }

  /** States only move forward (a re-sent event never undoes "ready"), except to "failed". */
  private set(addon: string, state: State): void {
    const now = this.states.get(addon);
    if (now === undefined || now === "failed") return;
    if (state !== "failed" && ORDER.indexOf(state) <= ORDER.indexOf(now)) return;
    this.states.set(addon, state);
    if (state === "applying") this.started.set(addon, Date.now());
    if (state === "ready" || state === "failed") this.ended.set(addon, Date.now());
    if (!this.redraw) log(`${this.elapsed().padStart(7)}  ${addon}: ${LOOK[state](state)}`);
    this.draw();
  }

  private draw(): void {
    if (!this.redraw) return;
    const width = Math.max(...[...this.states.keys()].map((a) => a.length));
    const lines = [...this.states].map(
      ([a, s]) => `  ${a.padEnd(width)}  ${LOOK[s](s.padEnd(22))} ${paint.dim(this.timeOf(a))}`,
    );
    this.redraw([`applying (${this.elapsed()})`, ...lines].join("\n"));
  }

  onEvent = (e: EngineEvent): void => {
    const pre = e.resourcePreEvent?.metadata;
    if (pre && pre.op !== "refresh") {
      if (pre.type === ADDON_TYPE) this.set(nameOf(pre.urn), "applying");
    }
    for (const step of stepsOf(e, this.prune, this.planFolder)) {
      this.steps.push(step);
      if (!this.redraw) log(`${this.elapsed().padStart(7)}  ${step.addon}: ${step.op} ${step.object}`);
    }
    const out = e.resOutputsEvent?.metadata;
    if (out && out.op !== "refresh") {
      // A component's outputs arrive once its release is done: applied, ready, hooks run.
      if (out.type === ADDON_TYPE) this.set(nameOf(out.urn), "ready");
    }
    const diag = e.diagnosticEvent;
    if (diag?.severity === "error" && diag.urn) this.set(addonOf(diag.urn), "failed");
  };

  /** Each add-on's last state and how long it took (pending ones: 0). */
  report(): { addon: string; state: State; seconds: number }[] {
    return [...this.states].map(([addon, state]) => {
      const start = this.started.get(addon);
      const seconds = start === undefined ? 0 : ((this.ended.get(addon) ?? Date.now()) - start) / 1000;
      return { addon, state, seconds: Math.round(seconds * 10) / 10 };
    });
  }

  /** Keeps the last frame on screen. */
  done(): void {
    this.draw();
    this.redraw?.done();
  }
}
