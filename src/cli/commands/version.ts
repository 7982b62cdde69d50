/** `tazuna version`: Tazuna, the Pulumi engine, the provider plugin and the render tools. */
import type { Command } from "commander";
import { TOOLS, installedK8sPlugins, versionOf } from "../../process/tools";
import { TAZUNA_VERSION, versionLine } from "../../process/version";

export function register(program: Command): void {
  program
    .command("version")
    .description("print the versions of Tazuna, the engine, the plugin and the tools")
    .addHelpText("after", "\nExample:\n  tazuna version")
    .action(async () => {
      // The Go tool's line first (scripts read it), then the tools this Tazuna runs.
      console.log(versionLine());
      console.log(`tazuna\t${TAZUNA_VERSION}`);
      for (const tool of Object.values(TOOLS))
        console.log(`${tool.name}\t${(await versionOf(tool)) ?? "not found"}`);
      const plugins = await installedK8sPlugins();
      console.log(`pulumi-resource-kubernetes\t${plugins?.[0] ?? "not installed"}`);
    });
}
