/** `tazuna build`: render every add-on and print or write the manifests, without a cluster. */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { Command } from "commander";
import { toGoYaml } from "../../render/yaml-out";
import { selectByTags } from "../../graph/order";
import { renderAll } from "../../addon-types";
import { isHook } from "../../render/hooks";
import { ownedFields, scaleTargets } from "../../program/ownership";
import { loadTarget, optionalCluster, type GlobalOptions } from "../project";
import { redacted } from "../../secrets/redact";
import { cacheModeOf, setCacheMode } from "../../render/artifact-cache";
import { NO_CACHE_OPTION, OFFLINE_OPTION, type CacheFlags } from "../render-flags";

export function register(program: Command, globals: () => GlobalOptions): void {
  program
    .command("build")
    .description("render every add-on to Kubernetes YAML, without a cluster")
    .option(
      "-t, --tags <tags>",
      "only add-ons with any of these tags (comma-separated), plus what they depend on",
    )
    .option(...NO_CACHE_OPTION)
    .option(...OFFLINE_OPTION)
    .option("--out <dir>", "write one <add-on>.yaml per add-on into this folder instead of printing")
    .option(
      "--show-secrets",
      "print the values of Secrets (and read the op/sops references of tazuna:vars); by default only their keys",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  tazuna build > all.yaml\n  tazuna build -t network --out rendered/\n  tazuna build --offline   # from the artifact cache, no registry asked\n  tazuna build --show-secrets | kubectl apply --server-side --field-manager=tazuna -f -",
    )
    .action(async (o: { tags?: string; out?: string; showSecrets?: boolean } & CacheFlags) => {
      const opts = globals();
      setCacheMode(cacheModeOf(o));
      const t = await loadTarget(opts, await optionalCluster(opts), {
        resolveSecrets: o.showSecrets === true,
      });
      let addons = t.declaration.addons;
      if (o.tags) {
        const sel = selectByTags(addons, o.tags.split(","));
        if (sel.pulledIn.size > 0)
          console.error(`also rendering dependencies: ${[...sel.pulledIn].join(", ")}`);
        addons = addons.filter((a) => sel.names.has(a.name));
      }
      const rendered = await renderAll(addons);
      if (o.out) await mkdir(o.out, { recursive: true, mode: 0o700 });
      // The objects as apply sends them: no hooks (they run around the apply), no fields left to others.
      const scaled = scaleTargets([...rendered.values()].flat());
      for (const a of addons) {
        const name = a.name;
        const all = rendered.get(name) ?? [];
        const hooks = all.filter(isHook);
        if (hooks.length > 0)
          console.error(
            `add-on ${name}: ${hooks.length} helm hook object(s) left out; tazuna apply runs them before or after the add-on`,
          );
        const owned = ownedFields(
          all.filter((x) => !isHook(x)),
          scaled,
          a.ignoreFields,
        );
        const objs = o.showSecrets ? owned : owned.map(redacted);
        const text = objs.map((x) => `# add-on: ${name}\n${toGoYaml(x)}`).join("---\n");
        // 0600: with --show-secrets the files hold Secrets' values; without, they are still the cluster's configuration.
        if (o.out) {
          const file = path.join(o.out, `${name}.yaml`);
          await writeFile(file, text, { mode: 0o600 });
          await chmod(file, 0o600); // writeFile's mode applies only to a new file
        } else process.stdout.write(`---\n${text}`);
      }
    });
}
