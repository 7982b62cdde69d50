import { strict as assert } from "node:assert";
import { findCycle, layers, predecessors, selectByTags } from "../../src/graph/order";
import type { Addon } from "../../src/addon-types";
import { addon as made } from "../addons";

const addon = (name: string, dependsOn: string[] = [], tags: string[] = []): Addon =>
  made({ name, dependsOn, tags, origin: { file: "t.yaml", path: [], dependsOnLines: [] } });
import { toMermaid } from "../../src/cli/graph-formats";

describe("graph order", () => {
  it("without any dependsOn, declaration order is a chain", () => {
    const p = predecessors([addon("a"), addon("b"), addon("c")]);
    assert.deepEqual(
      [...p.entries()],
      [
        ["a", []],
        ["b", ["a"]],
        ["c", ["b"]],
      ],
    );
    assert.deepEqual(layers([addon("a"), addon("b"), addon("c")]), [["a"], ["b"], ["c"]]);
  });

  it("with dependsOn, only declared edges count and independent add-ons share a layer", () => {
    const as = [
      addon("cni"),
      addon("certs"),
      addon("ingress", ["cni"]),
      addon("argocd", ["ingress", "certs"]),
    ];
    assert.deepEqual(layers(as), [["cni", "certs"], ["ingress"], ["argocd"]]);
  });

  it("a dependency declared later still comes first", () => {
    assert.deepEqual(layers([addon("app", ["base"]), addon("base")]), [["base"], ["app"]]);
  });

  it("finds a cycle and prints it closed", () => {
    const deps = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", []],
    ]);
    assert.deepEqual(findCycle(deps), ["a", "b", "c", "a"]);
    assert.equal(
      findCycle(
        new Map([
          ["a", []],
          ["b", ["a"]],
        ]),
      ),
      undefined,
    );
  });

  it("--tags selects tagged add-ons plus what they depend on, transitively", () => {
    const as = [
      addon("cni", [], ["net"]),
      addon("certs"),
      addon("ingress", ["cni", "certs"], ["edge"]),
      addon("argocd", ["ingress"], ["gitops"]),
    ];
    const sel = selectByTags(as, ["gitops"]);
    assert.deepEqual([...sel.names].sort(), ["argocd", "certs", "cni", "ingress"]);
    assert.deepEqual([...sel.pulledIn].sort(), ["certs", "cni", "ingress"]);
    assert.deepEqual([...selectByTags(as, ["net"]).names], ["cni"]);
  });

  it("--tags on a file without dependsOn pulls in nothing", () => {
    const sel = selectByTags([addon("a", [], ["x"]), addon("b", [], ["y"])], ["y"]);
    assert.deepEqual([...sel.names], ["b"]);
  });
});

describe("graph's readiness line", () => {
  const line = (a: Addon) => toMermaid({ addons: [a] }).split("\n")[1] ?? "";
  const wait = { kind: "Deployment", name: "web" };

  it("says what apply waits for: built-in waits, each waitFor and test, the timeout", () => {
    assert.match(line(addon("a")), /ready: built-in waits, 60s/);
    assert.match(
      line({ ...addon("a"), readiness: { skip: false, waitFor: [wait] } }),
      /ready: built-in waits \+ 1 check\(s\), 60s/,
    );
  });

  it("readiness.skip drops only the built-in waits: declared ones are still awaited", () => {
    assert.match(
      line({ ...addon("a"), readiness: { skip: true, waitFor: [wait] } }),
      /ready: 1 check\(s\), 60s/,
    );
    assert.match(line({ ...addon("a"), readiness: { skip: true, waitFor: [] } }), /ready: not awaited/);
  });
});
