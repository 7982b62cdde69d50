/** Every tazuna command explains itself: a description and examples in --help. */
import { strict as assert } from "node:assert";
import type { Command } from "commander";
import { buildProgram } from "../../src/cli/command-line";

function leaves(cmd: Command, prefix = ""): [string, Command][] {
  return cmd.commands.flatMap((c) => {
    const name = `${prefix}${c.name()}`;
    return c.commands.length > 0 ? leaves(c, `${name} `) : [[name, c] as [string, Command]];
  });
}

/** commander prints addHelpText("after") through an event; capture what --help would write. */
function helpOf(cmd: Command): string {
  let text = "";
  cmd.configureOutput({ writeOut: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}

describe("tazuna --help", () => {
  const commands = leaves(buildProgram());

  it("has every documented command", () => {
    const names = commands.map(([n]) => n).sort();
    for (const want of [
      "apply",
      "build",
      "check",
      "destroy",
      "diff-clusters",
      "graph",
      "init",
      "plan",
      "state diff",
      "state drift",
      "state list",
      "status",
      "tags",
      "version",
    ])
      assert.ok(names.includes(want), `missing command ${want}: ${names.join(", ")}`);
  });

  for (const [name, cmd] of leaves(buildProgram()))
    it(`${name}: a description and an example`, () => {
      assert.ok(cmd.description().length > 10, `${name} has no description`);
      assert.match(helpOf(cmd), /Examples?:\n {2}tazuna /, `${name} --help shows no example`);
    });
});
