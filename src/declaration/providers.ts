/** spec.providers: where GenesisSecret values come from, each named once. */
import type { ConfigProblem } from "../config/errors";
import { problemAt, type ParsedFile } from "../config/parse";
import type { Provider } from "../config/schema";

export function providerProblems(parsed: ParsedFile, providers: readonly Provider[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const names = providers.map((p) => p.name);
  providers.forEach((p, i) => {
    const at = (rel: PropertyKey[], message: string, fix: string) =>
      out.push(problemAt(parsed, ["spec", "providers", i, ...rel], message, fix));
    if (p.name === "default-op")
      at(["name"], '"default-op" is reserved (the built-in 1Password provider)', "pick another name");
    else if (names.indexOf(p.name) !== i)
      at(["name"], `duplicate provider name "${p.name}"`, "give every provider a unique name");
    if (p.type === "onepassword")
      at(
        ["type"],
        "type onepassword is refused, as in the Go tool",
        'leave a GenesisSecret\'s provider empty to use 1Password ("default-op")',
      );
    if (p.type === "envfile" && !p.envfile)
      at([], "type envfile needs envfile: { path }", "add envfile: { path: secrets.env }");
  });
  return out;
}
