/** `tazuna plan`: what apply would do, per add-on and per object. */
import type { Stack } from "@pulumi/pulumi/automation";
import type { Step } from "./results";
import { stepOf } from "./steps";

export async function planSteps(stack: Stack, target?: string[]): Promise<Step[]> {
  const steps: Step[] = [];
  await stack.preview({
    diff: true,
    // Read the live objects first, so hand changes and deletions show up as changes.
    refresh: true,
    ...(target ? { target } : {}),
    onEvent: (e) => {
      const s = stepOf(e);
      if (s) steps.push(s);
    },
  });
  return steps;
}

const SIGN: Record<string, string> = {
  create: "+",
  update: "~",
  delete: "-",
  replace: "+-",
  "create-replacement": "+-",
};

export function formatSteps(cluster: string, steps: Step[]): string {
  if (steps.length === 0) return `cluster ${cluster}: no changes`;
  const lines = [`cluster ${cluster}: ${steps.length} change${steps.length === 1 ? "" : "s"}`];
  const addons = [...new Set(steps.map((s) => s.addon))];
  for (const a of addons) {
    lines.push(`  ${a}`);
    for (const s of steps.filter((x) => x.addon === a)) {
      const fields = s.fields.length > 0 ? `  (${s.fields.join(", ")})` : "";
      lines.push(`    ${SIGN[s.op] ?? s.op} ${s.op.padEnd(7)} ${s.object}${fields}`);
    }
  }
  return lines.join("\n");
}
